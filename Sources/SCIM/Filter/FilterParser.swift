/// A recursive-descent parser for SCIM filters and PATCH paths.
///
/// Precedence, loosest first: `or`, `and`, `not`, grouping. Nesting and the number of terms are
/// bounded (``Filter/maximumNesting``, ``Filter/maximumTerms``) so hostile input ends in
/// `invalidFilter`, never in a stack overflow.
struct FilterParser {
    enum Token: Equatable {
        case leftParen, rightParen, leftBracket, rightBracket
        /// A run of non-delimiter characters: an attribute path, keyword, operator or literal.
        /// `attached` is true when no whitespace precedes it.
        case word(String, attached: Bool)
        case string(String)
    }

    private var tokens: [Token]
    private var position = 0
    private var terms = 0

    init(_ text: String) throws(SCIMError) {
        guard text.utf8.count <= Filter.maximumLength else {
            throw .invalidFilter("filter longer than \(Filter.maximumLength) bytes")
        }
        tokens = try Self.tokenize(text)
    }

    // MARK: Entry points

    mutating func parseWholeFilter() throws(SCIMError) -> Filter {
        guard !tokens.isEmpty else { throw .invalidFilter("empty filter") }
        let filter = try parseOr(depth: 0, inValuePath: false)
        if position < tokens.count { throw .invalidFilter("unexpected \(describe(tokens[position]))") }
        return filter
    }

    mutating func parseWholePatchPath() throws(SCIMError) -> AttributePath {
        guard case .word(let text, _)? = next() else { throw .invalidFilter("expected an attribute path") }
        guard var path = AttributePath.splitSimple(text) else {
            throw .invalidFilter("'\(text.prefix(100))' is not an attribute path")
        }
        if peek() == .leftBracket {
            guard path.subAttribute == nil else { throw .invalidFilter("a value filter must follow the attribute") }
            position += 1
            let filter = try parseOr(depth: 1, inValuePath: true)
            guard next() == .rightBracket else { throw .invalidFilter("expected ']'") }
            path.valueFilter = filter
            if case .word(let tail, attached: true)? = peek(), tail.hasPrefix(".") {
                position += 1
                let name = tail.dropFirst()
                guard AttributePath.isAttributeName(name) else {
                    throw .invalidFilter("'\(tail.prefix(100))' is not a sub-attribute")
                }
                path.subAttribute = String(name)
            }
        }
        if position < tokens.count { throw .invalidFilter("unexpected \(describe(tokens[position]))") }
        return path
    }

    // MARK: Grammar

    private mutating func parseOr(depth: Int, inValuePath: Bool) throws(SCIMError) -> Filter {
        try parseChain("or", Filter.or) { parser throws(SCIMError) in
            try parser.parseAnd(depth: depth, inValuePath: inValuePath)
        }
    }

    private mutating func parseAnd(depth: Int, inValuePath: Bool) throws(SCIMError) -> Filter {
        try parseChain("and", Filter.and) { parser throws(SCIMError) in
            try parser.parseUnary(depth: depth, inValuePath: inValuePath)
        }
    }

    /// `operand (keyword operand)*`, joined to the left: `or` and `and` both associate left.
    private mutating func parseChain(
        _ keyword: String, _ join: (Filter, Filter) -> Filter,
        operand: (inout FilterParser) throws(SCIMError) -> Filter
    ) throws(SCIMError) -> Filter {
        var left = try operand(&self)
        while isKeyword(keyword) {
            position += 1
            left = join(left, try operand(&self))
        }
        return left
    }

    private mutating func parseUnary(depth: Int, inValuePath: Bool) throws(SCIMError) -> Filter {
        if peek() == .leftParen {
            position += 1
            let inner = try parseOr(depth: try deeper(depth), inValuePath: inValuePath)
            guard next() == .rightParen else { throw .invalidFilter("expected ')'") }
            return inner
        }
        if isKeyword("not"), position + 1 < tokens.count, tokens[position + 1] == .leftParen {
            position += 2
            let inner = try parseOr(depth: try deeper(depth), inValuePath: inValuePath)
            guard next() == .rightParen else { throw .invalidFilter("expected ')'") }
            return .not(inner)
        }
        return try parseAttributeExpression(depth: depth, inValuePath: inValuePath)
    }

    private mutating func parseAttributeExpression(depth: Int, inValuePath: Bool) throws(SCIMError) -> Filter {
        guard let token = next() else { throw .invalidFilter("unexpected end of filter") }
        guard case .word(let text, _) = token else { throw .invalidFilter("unexpected \(describe(token))") }
        guard let path = AttributePath.splitSimple(text) else {
            throw .invalidFilter("'\(text.prefix(100))' is not an attribute path")
        }
        if peek() == .leftBracket {
            guard !inValuePath else { throw .invalidFilter("value filters cannot be nested") }
            guard path.subAttribute == nil else { throw .invalidFilter("a value filter must follow the attribute") }
            position += 1
            let inner = try parseOr(depth: try deeper(depth), inValuePath: true)
            guard next() == .rightBracket else { throw .invalidFilter("expected ']'") }
            // `emails[type eq "work"].value co "@x"` is accepted as
            // `emails[type eq "work" and value co "@x"]`.
            if case .word(let tail, attached: true)? = peek(), tail.hasPrefix(".") {
                position += 1
                let name = tail.dropFirst()
                guard AttributePath.isAttributeName(name) else {
                    throw .invalidFilter("'\(tail.prefix(100))' is not a sub-attribute")
                }
                let condition = try parseCondition(on: AttributePath(attribute: String(name)))
                return .valuePath(path, .and(inner, condition))
            }
            return .valuePath(path, inner)
        }
        return try parseCondition(on: path)
    }

    private mutating func parseCondition(on path: AttributePath) throws(SCIMError) -> Filter {
        terms += 1
        guard terms <= Filter.maximumTerms else {
            throw .invalidFilter("filter has more than \(Filter.maximumTerms) comparisons")
        }
        guard case .word(let operatorText, _)? = next() else {
            throw .invalidFilter("expected an operator after '\(path)'")
        }
        let lowered = operatorText.lowercased()
        if lowered == "pr" { return .present(path) }
        guard let op = CompareOperator(rawValue: lowered) else {
            throw .invalidFilter("unknown operator '\(operatorText.prefix(20))'")
        }
        guard let valueToken = next() else { throw .invalidFilter("expected a value after '\(lowered)'") }
        return .comparison(path, op, try literal(valueToken))
    }

    private func literal(_ token: Token) throws(SCIMError) -> JSONValue {
        switch token {
        case .string(let string):
            return .string(string)
        case .word(let text, _):
            // ABNF literals are case-insensitive.
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: break
            }
            if let first = text.utf8.first, first == UInt8(ascii: "-") || (0x30...0x39).contains(first),
                let number = try? JSONValue.decode(text)
            {
                switch number {
                case .integer, .decimal: return number
                default: break
                }
            }
            throw .invalidFilter("'\(text.prefix(100))' is not a valid comparison value")
        default:
            throw .invalidFilter("expected a comparison value, found \(describe(token))")
        }
    }

    // MARK: Helpers

    private func deeper(_ depth: Int) throws(SCIMError) -> Int {
        guard depth < Filter.maximumNesting else {
            throw .invalidFilter("filter nested deeper than \(Filter.maximumNesting)")
        }
        return depth + 1
    }

    private func peek() -> Token? {
        position < tokens.count ? tokens[position] : nil
    }

    private mutating func next() -> Token? {
        guard position < tokens.count else { return nil }
        defer { position += 1 }
        return tokens[position]
    }

    private func isKeyword(_ keyword: String) -> Bool {
        if case .word(let text, _)? = peek() { return text.lowercased() == keyword }
        return false
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .word(let text, _): "'\(text.prefix(100))'"
        case .string: "string literal"
        }
    }

    // MARK: Lexer

    private static func tokenize(_ text: String) throws(SCIMError) -> [Token] {
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var index = 0
        var sawSpace = true
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                index += 1
                sawSpace = true
                continue
            case UInt8(ascii: "("): tokens.append(.leftParen); index += 1
            case UInt8(ascii: ")"): tokens.append(.rightParen); index += 1
            case UInt8(ascii: "["): tokens.append(.leftBracket); index += 1
            case UInt8(ascii: "]"): tokens.append(.rightBracket); index += 1
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                var closed = false
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "\\") {
                        index += 2
                    } else if bytes[index] == UInt8(ascii: "\"") {
                        index += 1
                        closed = true
                        break
                    } else {
                        index += 1
                    }
                }
                guard closed, index <= bytes.count else { throw .invalidFilter("unterminated string literal") }
                guard case .string(let string)? = try? JSONValue.decode(bytes[start..<index]) else {
                    throw .invalidFilter("invalid string literal")
                }
                tokens.append(.string(string))
            default:
                let start = index
                while index < bytes.count {
                    switch bytes[index] {
                    case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
                        UInt8(ascii: "]"), UInt8(ascii: "\""):
                        break
                    default:
                        index += 1
                        continue
                    }
                    break
                }
                tokens.append(.word(String(decoding: bytes[start..<index], as: UTF8.self), attached: !sawSpace))
            }
            sawSpace = false
        }
        return tokens
    }
}

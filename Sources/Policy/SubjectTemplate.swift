/// A NATS subject that may contain `{{attribute}}` placeholders, validated at policy load.
///
/// Placeholders stand for a whole token or part of one (`app.{{userName}}.>`,
/// `user-{{id}}`). Expanded values are escaped by ``SubjectTemplate/escape(_:)`` so no
/// attribute can add a token separator or a wildcard: a value can never widen a subject.
public struct SubjectTemplate: Sendable, Hashable, CustomStringConvertible {
    /// The user attributes a template may use.
    public enum Placeholder: String, Sendable, Hashable, CaseIterable {
        case userName
        case id
        case externalId
        /// The displayName of the group whose binding holds the template.
        case group
    }

    enum Part: Sendable, Hashable {
        case literal(String)
        case placeholder(Placeholder)
    }

    /// The template as written in the policy file.
    public let source: String
    let parts: [Part]

    /// True when the template has no placeholder (it is a plain subject).
    public var isLiteral: Bool { !parts.contains { if case .placeholder = $0 { true } else { false } } }

    public var description: String { source }

    /// The longest subject template the policy accepts.
    public static let maximumLength = 512

    /// Parses and validates `source`.
    /// - Throws: ``SubjectTemplateError`` saying what is wrong with the subject.
    public init(_ source: String) throws(SubjectTemplateError) {
        guard !source.isEmpty else { throw SubjectTemplateError("subject is empty") }
        guard source.utf8.count <= Self.maximumLength else {
            throw SubjectTemplateError("subject is longer than \(Self.maximumLength) bytes")
        }
        if let bad = source.unicodeScalars.first(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            throw SubjectTemplateError("subject contains whitespace or a control character (U+\(String(bad.value, radix: 16, uppercase: true)))")
        }
        let tokens = source.split(separator: ".", omittingEmptySubsequences: false)
        for (index, token) in tokens.enumerated() {
            if token.isEmpty { throw SubjectTemplateError("subject has an empty token (leading, trailing or double '.')") }
            if token == ">" {
                if index != tokens.count - 1 { throw SubjectTemplateError("'>' may only be the last token") }
                continue
            }
            if token == "*" { continue }
            if token.contains("*") || token.contains(">") {
                throw SubjectTemplateError("wildcards '*' and '>' must be whole tokens, not part of '\(token)'")
            }
        }
        self.source = source
        self.parts = try Self.parseParts(source)
    }

    private static func parseParts(_ source: String) throws(SubjectTemplateError) -> [Part] {
        var parts: [Part] = []
        var rest = Substring(source)
        while !rest.isEmpty {
            guard let open = rest.range(of: "{{") else {
                if rest.contains("}}") { throw SubjectTemplateError("'}}' without a matching '{{'") }
                parts.append(.literal(String(rest)))
                break
            }
            let literal = rest[rest.startIndex ..< open.lowerBound]
            if literal.contains("}}") { throw SubjectTemplateError("'}}' without a matching '{{'") }
            if !literal.isEmpty { parts.append(.literal(String(literal))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                throw SubjectTemplateError("'{{' without a matching '}}'")
            }
            let name = afterOpen[afterOpen.startIndex ..< close.lowerBound]
            guard let placeholder = Placeholder(rawValue: String(name)) else {
                let known = Placeholder.allCases.map { "{{\($0.rawValue)}}" }.joined(separator: ", ")
                throw SubjectTemplateError("unknown placeholder '{{\(name)}}' (known: \(known))")
            }
            parts.append(.placeholder(placeholder))
            rest = afterOpen[close.upperBound...]
        }
        return parts
    }

    /// Expands the placeholders with escaped `values`.
    /// - Returns: the subject, or nil when a placeholder has no value (missing or empty):
    ///   a token can never be left empty or guessed.
    public func expand(with values: TemplateValues) -> String? {
        // A plain subject is its source: share its storage instead of building a copy.
        if parts.count == 1, case .literal = parts[0] { return source }
        var result = ""
        result.reserveCapacity(source.utf8.count + 16)
        for part in parts {
            switch part {
            case let .literal(text):
                result += text
            case let .placeholder(placeholder):
                guard let value = values[placeholder], !value.isEmpty else { return nil }
                result += Self.escape(value)
            }
        }
        return result
    }

    /// Escapes an attribute value for use inside one subject token.
    ///
    /// ASCII letters, digits and `-`, `_`, `@`, `+`, `=`, `~` are kept; every other byte of the
    /// UTF-8 encoding (including `.`, `*`, `>`, `%`, whitespace and control characters) becomes
    /// `%XX`. Escaping `%` itself keeps the mapping one-to-one, so two different values can never
    /// expand to the same subject.
    public static func escape(_ value: String) -> String {
        // Most values (user names, ids) need no escaping: return them as they are.
        if value.utf8.allSatisfy(isKept) { return value }
        var out = [UInt8]()
        out.reserveCapacity(value.utf8.count * 3)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in value.utf8 {
            if isKept(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isKept(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "A") ... UInt8(ascii: "Z"),
             UInt8(ascii: "0") ... UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
             UInt8(ascii: "@"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}

/// Why a subject (template) in the policy is not valid.
public struct SubjectTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

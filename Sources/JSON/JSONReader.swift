/// A byte-level JSON reader (RFC 8259): the package's one JSON parser.
///
/// Typed decoders (the claim readers) pull the members they expect with ``readObject(_:)`` and
/// the scalar readers; ``readValue()`` reads any document as a ``JSONValue``. Every failure is a
/// ``JSONDecodingError`` naming the byte offset and the problem.
///
/// ``readObject(_:)`` hands out raw member names, so it refuses what a typed decoder could not
/// match reliably: escaped or non-ASCII names, duplicate names, more than ``maxMembers``
/// members. ``readInteger(_:)`` reads plain integers only (no fraction, exponent or `-0`).
public struct JSONReader {
    /// Objects read member by member hold at most this many members (claim objects are small).
    public static let maxMembers = 64

    /// The deepest nesting accepted, so hostile input can never exhaust the stack.
    public let maxDepth: Int
    private let acceptsNUL: Bool
    private let input: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    /// - Parameters:
    ///   - maxDepth: the deepest nesting of arrays and objects accepted.
    ///   - acceptsNUL: whether a string may hold U+0000 (as `\u0000`).
    public init(_ input: UnsafeBufferPointer<UInt8>, maxDepth: Int = 32, acceptsNUL: Bool = true) {
        self.input = input
        self.maxDepth = maxDepth
        self.acceptsNUL = acceptsNUL
    }

    // MARK: document structure

    /// Skips a UTF-8 byte order mark at the very start (some clients send one).
    public mutating func skipByteOrderMark() {
        if index == 0, input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF { index = 3 }
    }

    /// Throws unless only whitespace is left.
    public mutating func expectEnd() throws(JSONDecodingError) {
        skipWhitespace()
        guard index == input.count else { throw failure("unexpected data after the document") }
    }

    /// Reads an object, calling `member` with each raw member name (ASCII, unescaped, unique);
    /// `member` must consume the value.
    public mutating func readObject(
        _ member: (inout JSONReader, UnsafeBufferPointer<UInt8>) throws(JSONDecodingError) -> Void
    ) throws(JSONDecodingError) {
        try consume(UInt8(ascii: "{"))
        try enter()
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return
        }
        // Names seen so far, for duplicate detection, on the stack.
        let result: Result<Void, JSONDecodingError> = withUnsafeTemporaryAllocation(
            of: Range<Int>.self, capacity: Self.maxMembers
        ) { names in
            Result { () throws(JSONDecodingError) in
                var count = 0
                while true {
                    let name = try readName()
                    for earlier in names[..<count] where Self.equal(input, earlier, name) {
                        throw JSONDecodingError(offset: name.lowerBound, reason: "duplicate member name")
                    }
                    guard count < Self.maxMembers else { throw failure("more than \(Self.maxMembers) members") }
                    names[count] = name
                    count += 1
                    try consume(UInt8(ascii: ":"))
                    skipWhitespace()
                    try member(&self, UnsafeBufferPointer(rebasing: input[name]))
                    skipWhitespace()
                    let next = try peek()
                    if next == UInt8(ascii: "}") {
                        index += 1
                        return
                    }
                    guard next == UInt8(ascii: ",") else { throw failure("expected ',' or '}'") }
                    index += 1
                }
            }
        }
        try result.get()
        depth -= 1
    }

    /// Reads an array, calling `element` for each element; `element` must consume it.
    public mutating func readArray(_ element: (inout JSONReader) throws(JSONDecodingError) -> Void) throws(JSONDecodingError) {
        try consume(UInt8(ascii: "["))
        try enter()
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            let next = try peek()
            if next == UInt8(ascii: "]") {
                index += 1
                break
            }
            guard next == UInt8(ascii: ",") else { throw failure("expected ',' or ']'") }
            index += 1
        }
        depth -= 1
    }

    // MARK: values

    /// What a value can be, told by its first byte.
    public enum ValueKind: Sendable {
        case null, bool, number, string, array, object
    }

    /// The kind of the next value (nothing consumed but whitespace); a byte that starts no
    /// value counts as a number, whose reader then reports it.
    public mutating func nextValueKind() throws(JSONDecodingError) -> ValueKind {
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "{"): return .object
        default: return .number
        }
    }

    /// True (and consumed) when the next value is `null`.
    public mutating func readNull() throws(JSONDecodingError) -> Bool {
        skipWhitespace()
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// `true` or `false`.
    public mutating func readBool() throws(JSONDecodingError) -> Bool {
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        default: throw failure("expected a boolean")
        }
    }

    /// A string value; escapes decoded, UTF-8 validated.
    public mutating func readString() throws(JSONDecodingError) -> String {
        skipWhitespace()
        guard index < input.count else { throw failure("unexpected end of input") }
        guard input[index] == UInt8(ascii: "\"") else { throw failure("expected a string") }
        index += 1
        let start = index
        var sawHighByte = false
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: input[start..<index])
                if !sawHighByte {
                    index += 1
                    return String(decoding: raw, as: UTF8.self)
                }
                guard let text = String(validating: raw, as: UTF8.self) else { throw failure("string is not valid UTF-8") }
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try readEscapedString(from: start) }
            if byte < 0x20 { throw failure("control character in string") }
            if byte >= 0x80 { sawHighByte = true }
            index += 1
        }
        throw failure("unterminated string")
    }

    /// A plain integer literal (`-?(0|[1-9][0-9]*)`) that fits `T`; fractions, exponents, `-0`
    /// and overflow are errors.
    public mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(JSONDecodingError) -> T {
        skipWhitespace()
        let start = index
        let negative = index < input.count && input[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        var magnitude: UInt64 = 0
        while index < input.count, input[index] &- UInt8(ascii: "0") < 10 {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(input[index] &- UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw JSONDecodingError(offset: start, reason: "integer out of range") }
            magnitude = sum
            index += 1
        }
        let digitCount = index - digitsStart
        guard digitCount > 0, digitCount == 1 || input[digitsStart] != UInt8(ascii: "0") else {
            throw JSONDecodingError(offset: start, reason: "expected an integer")
        }
        if index < input.count {
            let next = input[index]
            guard next != UInt8(ascii: "."), next != UInt8(ascii: "e"), next != UInt8(ascii: "E") else {
                throw JSONDecodingError(offset: start, reason: "expected an integer")
            }
        }
        if negative {
            guard magnitude != 0, T.isSigned, magnitude <= UInt64(T.max) + 1 else {
                throw JSONDecodingError(offset: start, reason: "integer out of range")
            }
            // Two's complement of the magnitude, which fits T (checked above).
            return T(truncatingIfNeeded: 0 &- magnitude)
        }
        guard let value = T(exactly: magnitude) else { throw JSONDecodingError(offset: start, reason: "integer out of range") }
        return value
    }

    /// Any JSON number: an integer that fits `Int64` when it has no fraction or exponent,
    /// a finite `Double` otherwise.
    public mutating func readNumber() throws(JSONDecodingError) -> JSONValue {
        skipWhitespace()
        let start = index
        let isInteger = try skipNumber()
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let double = Double(text), double.isFinite else {
            throw JSONDecodingError(offset: start, reason: "number out of range")
        }
        return .decimal(double)
    }

    /// A list of strings (no nulls inside).
    public mutating func readStringArray() throws(JSONDecodingError) -> [String] {
        var list: [String] = []
        try readArray { reader throws(JSONDecodingError) in list.append(try reader.readString()) }
        return list
    }

    /// Validates and discards one value (members a typed decoder ignores).
    public mutating func skipValue() throws(JSONDecodingError) {
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try readBool()
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "["): try readArray { reader throws(JSONDecodingError) in try reader.skipValue() }
        case UInt8(ascii: "{"): try readObject { reader, _ throws(JSONDecodingError) in try reader.skipValue() }
        default: _ = try skipNumber()
        }
    }

    /// Any value. Object members may have any name; a repeated name keeps its last value.
    public mutating func readValue() throws(JSONDecodingError) -> JSONValue {
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "{"): return try readObjectValue()
        case UInt8(ascii: "["):
            try enter()
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if try peek() == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return .array(elements)
            }
            while true {
                elements.append(try readValue())
                skipWhitespace()
                let next = try peek()
                index += 1
                if next == UInt8(ascii: "]") { break }
                guard next == UInt8(ascii: ",") else {
                    index -= 1
                    throw failure("expected ',' or ']'")
                }
            }
            depth -= 1
            return .array(elements)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool(try readBool())
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw failure("unexpected character")
        }
    }

    private mutating func readObjectValue() throws(JSONDecodingError) -> JSONValue {
        try enter()
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < input.count, input[index] == UInt8(ascii: "\"") else { throw failure("expected a key") }
            let key = try readString()
            skipWhitespace()
            guard index < input.count, input[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            index += 1
            members[key] = try readValue()
            skipWhitespace()
            let next = try peek()
            if next == UInt8(ascii: "}") {
                index += 1
                break
            }
            guard next == UInt8(ascii: ",") else { throw failure("expected ',' or '}'") }
            index += 1
        }
        depth -= 1
        return .object(members)
    }

    // MARK: internals

    /// An error at the current offset, for typed decoders that refuse what they read.
    public func failure(_ reason: String) -> JSONDecodingError {
        JSONDecodingError(offset: index, reason: reason)
    }

    private mutating func enter() throws(JSONDecodingError) {
        depth += 1
        guard depth <= maxDepth else { throw failure("nesting deeper than \(maxDepth)") }
    }

    private mutating func skipWhitespace() {
        while index < input.count {
            switch input[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek() throws(JSONDecodingError) -> UInt8 {
        guard index < input.count else { throw failure("unexpected end of input") }
        return input[index]
    }

    private mutating func consume(_ byte: UInt8) throws(JSONDecodingError) {
        skipWhitespace()
        guard index < input.count else { throw failure("unexpected end of input") }
        guard input[index] == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    private mutating func literal(_ word: StaticString) throws(JSONDecodingError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= input.count else { throw failure("unexpected end of input") }
        let matches = word.withUTF8Buffer { expected in
            UnsafeBufferPointer(rebasing: input[index..<(index + count)]).elementsEqual(expected)
        }
        guard matches else { throw failure("invalid literal") }
        index += count
    }

    /// A member name: printable ASCII without escapes (so raw bytes compare like decoded names).
    private mutating func readName() throws(JSONDecodingError) -> Range<Int> {
        skipWhitespace()
        guard index < input.count, input[index] == UInt8(ascii: "\"") else { throw failure("expected a key") }
        index += 1
        let start = index
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<(index - 1)
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else {
                throw failure("member name is escaped or not ASCII")
            }
            index += 1
        }
        throw failure("unterminated string")
    }

    private static func equal(_ input: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && UnsafeBufferPointer(rebasing: input[a]).elementsEqual(UnsafeBufferPointer(rebasing: input[b]))
    }

    /// The slow half of `readString`: decodes escapes into a buffer.
    private mutating func readEscapedString(from start: Int) throws(JSONDecodingError) -> String {
        var bytes = Array(UnsafeBufferPointer(rebasing: input[start..<index]))
        while index < input.count {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: bytes, as: UTF8.self) else { throw failure("string is not valid UTF-8") }
                index += 1
                return text
            case UInt8(ascii: "\\"):
                index += 1
                guard index < input.count else { throw failure("unterminated escape") }
                let escape = input[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"): appendUTF8(try readEscapedScalar(), to: &bytes)
                default:
                    index -= 1
                    throw failure("invalid escape")
                }
            default:
                guard byte >= 0x20 else { throw failure("control character in string") }
                bytes.append(byte)
                index += 1
            }
        }
        throw failure("unterminated string")
    }

    /// After `\u`: four hex digits, and a second `\uXXXX` for a surrogate pair; lone
    /// surrogates are errors.
    private mutating func readEscapedScalar() throws(JSONDecodingError) -> Unicode.Scalar {
        let first = try readHex4()
        if first & 0xFC00 == 0xDC00 { throw failure("unpaired surrogate") }
        if first & 0xFC00 == 0xD800 {
            guard index + 2 <= input.count, input[index] == UInt8(ascii: "\\"), input[index + 1] == UInt8(ascii: "u") else {
                throw failure("unpaired surrogate")
            }
            index += 2
            let second = try readHex4()
            guard second & 0xFC00 == 0xDC00 else { throw failure("unpaired surrogate") }
            let value = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw failure("invalid code point") }
            return scalar
        }
        guard first != 0 || acceptsNUL else { throw failure("\\u0000 (NUL) is not accepted in a string") }
        guard let scalar = Unicode.Scalar(UInt32(first)) else { throw failure("invalid code point") }
        return scalar
    }

    private mutating func readHex4() throws(JSONDecodingError) -> UInt16 {
        guard index + 4 <= input.count else { throw failure("short \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = input[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        let value = scalar.value
        switch value {
        case ..<0x80:
            bytes.append(UInt8(value))
        case ..<0x800:
            bytes.append(UInt8(0xC0 | value >> 6))
            bytes.append(UInt8(0x80 | value & 0x3F))
        case ..<0x10000:
            bytes.append(UInt8(0xE0 | value >> 12))
            bytes.append(UInt8(0x80 | (value >> 6) & 0x3F))
            bytes.append(UInt8(0x80 | value & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | value >> 18))
            bytes.append(UInt8(0x80 | (value >> 12) & 0x3F))
            bytes.append(UInt8(0x80 | (value >> 6) & 0x3F))
            bytes.append(UInt8(0x80 | value & 0x3F))
        }
    }

    /// A JSON number by the grammar (`-?int frac? exp?`); true when it has neither fraction
    /// nor exponent.
    private mutating func skipNumber() throws(JSONDecodingError) -> Bool {
        var isInteger = true
        if index < input.count, input[index] == UInt8(ascii: "-") { index += 1 }
        let intStart = index
        skipDigits()
        let intCount = index - intStart
        guard intCount > 0, intCount == 1 || input[intStart] != UInt8(ascii: "0") else { throw failure("invalid number") }
        if index < input.count, input[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let start = index
            skipDigits()
            guard index > start else { throw failure("invalid number") }
        }
        if index < input.count, input[index] == UInt8(ascii: "e") || input[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < input.count, input[index] == UInt8(ascii: "+") || input[index] == UInt8(ascii: "-") { index += 1 }
            let start = index
            skipDigits()
            guard index > start else { throw failure("invalid number") }
        }
        return isInteger
    }

    private mutating func skipDigits() {
        while index < input.count, input[index] &- UInt8(ascii: "0") < 10 { index += 1 }
    }
}

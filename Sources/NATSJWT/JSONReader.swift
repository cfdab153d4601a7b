/// A byte-level JSON reader for the hot-path claim decoders (authorization requests).
///
/// It accepts a strict subset of what `JSONDecoder` accepts and, for that subset, yields exactly
/// what `JSONDecoder` yields. Anything outside it — duplicate or escaped member names, numbers
/// that are not plain integers of the target type, lone surrogates, invalid UTF-8, raw control
/// characters, nesting deeper than `maxDepth`, a type other than the one expected — throws
/// `Unsupported`, and the caller decodes the same bytes with `JSONDecoder` instead, so errors
/// (and the odd accepted corner case) stay exactly those of the Codable path.
struct JSONReader {
    /// The input is outside what this reader decides on; use the Codable path.
    struct Unsupported: Error {}

    /// Deeper documents go to the Codable path (which has its own limit).
    static let maxDepth = 32

    private let input: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    init(_ input: UnsafeBufferPointer<UInt8>) { self.input = input }

    // MARK: document structure

    /// Throws unless only whitespace is left.
    mutating func expectEnd() throws(Unsupported) {
        skipWhitespace()
        guard index == input.count else { throw Unsupported() }
    }

    /// Reads an object, calling `member` with each raw member name (ASCII, unescaped, unique);
    /// `member` must consume the value.
    mutating func readObject(
        _ member: (inout JSONReader, UnsafeBufferPointer<UInt8>) throws(Unsupported) -> Void
    ) throws(Unsupported) {
        try consume(UInt8(ascii: "{"))
        try enter()
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return
        }
        // Names seen so far, for duplicate detection, on the stack: claim objects are small, and
        // a larger one is left to the Codable path.
        let result: Result<Void, Unsupported> = withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: Self.maxMembers) {
            names in
            Result { () throws(Unsupported) in
                var count = 0
                while true {
                    let name = try readName()
                    for earlier in names[..<count] where Self.equal(input, earlier, name) { throw Unsupported() }
                    guard count < Self.maxMembers else { throw Unsupported() }
                    names[count] = name
                    count += 1
                    try consume(UInt8(ascii: ":"))
                    skipWhitespace()
                    try member(&self, UnsafeBufferPointer(rebasing: input[name]))
                    skipWhitespace()
                    let next = try peek()
                    index += 1
                    if next == UInt8(ascii: "}") { return }
                    guard next == UInt8(ascii: ",") else { throw Unsupported() }
                }
            }
        }
        try result.get()
        depth -= 1
    }

    /// Objects with more members go to the Codable path.
    static let maxMembers = 64

    /// Reads an array, calling `element` for each element; `element` must consume it.
    mutating func readArray(_ element: (inout JSONReader) throws(Unsupported) -> Void) throws(Unsupported) {
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
            index += 1
            if next == UInt8(ascii: "]") { break }
            guard next == UInt8(ascii: ",") else { throw Unsupported() }
        }
        depth -= 1
    }

    // MARK: values

    /// True (and consumed) when the next value is `null`.
    mutating func readNull() throws(Unsupported) -> Bool {
        skipWhitespace()
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    mutating func readBool() throws(Unsupported) -> Bool {
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        default: throw Unsupported()
        }
    }

    /// A string value; escapes decoded, UTF-8 validated.
    mutating func readString() throws(Unsupported) -> String {
        skipWhitespace()
        try consume(UInt8(ascii: "\""))
        let start = index
        var sawHighByte = false
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: input[start..<index])
                index += 1
                if !sawHighByte { return String(decoding: raw, as: UTF8.self) }
                guard let text = String(validating: raw, as: UTF8.self) else { throw Unsupported() }
                return text
            }
            if byte == UInt8(ascii: "\\") { return try readEscapedString(from: start) }
            if byte < 0x20 { throw Unsupported() }
            if byte >= 0x80 { sawHighByte = true }
            index += 1
        }
        throw Unsupported()
    }

    /// A plain integer literal (`-?(0|[1-9][0-9]*)`) that fits `T`; anything else (fractions,
    /// exponents, `-0`, overflow) is left to the Codable path.
    mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(Unsupported) -> T {
        skipWhitespace()
        let negative = index < input.count && input[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        var magnitude: UInt64 = 0
        while index < input.count, input[index] &- UInt8(ascii: "0") < 10 {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(input[index] &- UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw Unsupported() }
            magnitude = sum
            index += 1
        }
        let digitCount = index - digitsStart
        guard digitCount > 0, digitCount == 1 || input[digitsStart] != UInt8(ascii: "0") else { throw Unsupported() }
        if index < input.count {
            let next = input[index]
            guard next != UInt8(ascii: "."), next != UInt8(ascii: "e"), next != UInt8(ascii: "E") else {
                throw Unsupported()
            }
        }
        if negative {
            guard magnitude != 0, T.isSigned, magnitude <= UInt64(T.max) + 1 else { throw Unsupported() }
            // Two's complement of the magnitude, which fits T (checked above).
            return T(truncatingIfNeeded: 0 &- magnitude)
        }
        guard let value = T(exactly: magnitude) else { throw Unsupported() }
        return value
    }

    /// A list of strings (no nulls inside).
    mutating func readStringArray() throws(Unsupported) -> [String] {
        var list: [String] = []
        try readArray { reader throws(Unsupported) in list.append(try reader.readString()) }
        return list
    }

    /// Any value as `ClaimValue`, for members kept verbatim; numbers only as plain `Int64`.
    mutating func readClaimValue() throws(Unsupported) -> ClaimValue {
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool(try readBool())
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "["):
            var list: [ClaimValue] = []
            try readArray { reader throws(Unsupported) in list.append(try reader.readClaimValue()) }
            return .array(list)
        case UInt8(ascii: "{"):
            var object: [String: ClaimValue] = [:]
            try readObject { reader, name throws(Unsupported) in
                object[String(decoding: name, as: UTF8.self)] = try reader.readClaimValue()
            }
            return .object(object)
        default: return .integer(try readInteger(Int64.self))
        }
    }

    /// Validates and discards one value (members the Codable types ignore).
    mutating func skipValue() throws(Unsupported) {
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try readBool()
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "["): try readArray { reader throws(Unsupported) in try reader.skipValue() }
        case UInt8(ascii: "{"): try readObject { reader, _ throws(Unsupported) in try reader.skipValue() }
        default: try skipNumber()
        }
    }

    // MARK: internals

    private mutating func enter() throws(Unsupported) {
        depth += 1
        guard depth <= Self.maxDepth else { throw Unsupported() }
    }

    private mutating func skipWhitespace() {
        while index < input.count {
            switch input[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek() throws(Unsupported) -> UInt8 {
        guard index < input.count else { throw Unsupported() }
        return input[index]
    }

    private mutating func consume(_ byte: UInt8) throws(Unsupported) {
        skipWhitespace()
        guard index < input.count, input[index] == byte else { throw Unsupported() }
        index += 1
    }

    private mutating func literal(_ word: StaticString) throws(Unsupported) {
        let count = word.utf8CodeUnitCount
        guard index + count <= input.count else { throw Unsupported() }
        let matches = word.withUTF8Buffer { expected in
            UnsafeBufferPointer(rebasing: input[index..<(index + count)]).elementsEqual(expected)
        }
        guard matches else { throw Unsupported() }
        index += count
    }

    /// A member name: printable ASCII without escapes (so raw bytes compare like decoded names).
    private mutating func readName() throws(Unsupported) -> Range<Int> {
        try consume(UInt8(ascii: "\""))
        let start = index
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<(index - 1)
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { throw Unsupported() }
            index += 1
        }
        throw Unsupported()
    }

    private static func equal(_ input: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && UnsafeBufferPointer(rebasing: input[a]).elementsEqual(UnsafeBufferPointer(rebasing: input[b]))
    }

    /// The slow half of `readString`: decodes escapes into a buffer.
    private mutating func readEscapedString(from start: Int) throws(Unsupported) -> String {
        var bytes = Array(UnsafeBufferPointer(rebasing: input[start..<index]))
        while index < input.count {
            let byte = input[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: bytes, as: UTF8.self) else { throw Unsupported() }
                return text
            case UInt8(ascii: "\\"):
                guard index < input.count else { throw Unsupported() }
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
                default: throw Unsupported()
                }
            default:
                guard byte >= 0x20 else { throw Unsupported() }
                bytes.append(byte)
            }
        }
        throw Unsupported()
    }

    /// After `\u`: four hex digits, and a second `\uXXXX` for a surrogate pair; lone
    /// surrogates are unsupported.
    private mutating func readEscapedScalar() throws(Unsupported) -> Unicode.Scalar {
        let first = try readHex4()
        if first & 0xFC00 == 0xDC00 { throw Unsupported() }
        if first & 0xFC00 == 0xD800 {
            try literal("\\u")
            let second = try readHex4()
            guard second & 0xFC00 == 0xDC00 else { throw Unsupported() }
            let value = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw Unsupported() }
            return scalar
        }
        guard let scalar = Unicode.Scalar(UInt32(first)) else { throw Unsupported() }
        return scalar
    }

    private mutating func readHex4() throws(Unsupported) -> UInt16 {
        guard index + 4 <= input.count else { throw Unsupported() }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = input[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Unsupported()
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

    /// A JSON number by the grammar (`-?int frac? exp?`), value discarded.
    private mutating func skipNumber() throws(Unsupported) {
        if index < input.count, input[index] == UInt8(ascii: "-") { index += 1 }
        let intStart = index
        skipDigits()
        let intCount = index - intStart
        guard intCount > 0, intCount == 1 || input[intStart] != UInt8(ascii: "0") else { throw Unsupported() }
        if index < input.count, input[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            skipDigits()
            guard index > start else { throw Unsupported() }
        }
        if index < input.count, input[index] == UInt8(ascii: "e") || input[index] == UInt8(ascii: "E") {
            index += 1
            if index < input.count, input[index] == UInt8(ascii: "+") || input[index] == UInt8(ascii: "-") { index += 1 }
            let start = index
            skipDigits()
            guard index > start else { throw Unsupported() }
        }
    }

    private mutating func skipDigits() {
        while index < input.count, input[index] &- UInt8(ascii: "0") < 10 { index += 1 }
    }
}

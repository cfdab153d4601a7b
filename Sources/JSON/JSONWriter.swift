/// Appends JSON straight into bytes: the package's one JSON writer and one string escaper
/// (claims, log lines, the decision log, ``JSONValue``).
///
/// Members and elements are separated automatically; a key is followed by exactly one value.
/// Every dialect escapes what RFC 8259 requires, as `JSONEncoder` (with
/// `.withoutEscapingSlashes`) and Go's `encoding/json` both do: `\"`, `\\`, `\b \t \n \f \r`,
/// other control characters as lowercase `\u00xx`, everything else raw UTF-8. See ``Dialect``
/// for what each adds.
public struct JSONWriter {
    /// What is escaped beyond RFC 8259's minimum.
    public enum Dialect: Sendable {
        /// Nothing more: byte-exact with `JSONEncoder` and `.withoutEscapingSlashes`.
        case minimal
        /// Also U+2028 and U+2029, so a line stays one line in JavaScript and in readers that
        /// split on them (log lines).
        case lineSafe
        /// Go's `encoding/json`: also `<`, `>`, `&` (HTML-safe) and U+2028, U+2029, so `jti`
        /// hashes match nats-io/jwt byte for byte.
        case go
    }

    /// The JSON written so far.
    public private(set) var bytes: [UInt8]
    private let escapesHTML: Bool
    private let escapesLineSeparators: Bool
    /// Bit n: the container at nesting level n (below 64) already has a member.
    private var memberBits: UInt64 = 0
    /// The same for deeper levels, which only hand-built ``JSONValue``s reach.
    private var deepMemberFlags: [Bool] = []
    private var depth = 0
    /// Set between a key and its value so the value adds no separator.
    private var pendingValue = false

    /// An empty writer escaping for `dialect`, with room for `capacity` bytes.
    public init(dialect: Dialect, capacity: Int = 512) {
        escapesHTML = dialect == .go
        escapesLineSeparators = dialect != .minimal
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The bytes, handed over without a copy.
    public consuming func finished() -> [UInt8] { bytes }

    // MARK: structure

    /// Opens an object (`{`).
    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    /// Closes the innermost object (`}`).
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    /// Opens an array (`[`).
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    /// Closes the innermost array (`]`).
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes `"name":`; `name` must need no escaping (callers pass literal member names).
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        pendingValue = true
    }

    /// Writes `"name":` for a name that may need escaping.
    public mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        pendingValue = true
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        depth += 1
        if depth < 64 {
            memberBits &= ~(1 << UInt64(depth))
        } else if depth - 64 < deepMemberFlags.count {
            deepMemberFlags[depth - 64] = false
        } else {
            deepMemberFlags.append(false)
        }
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        depth -= 1
    }

    /// A comma before every member or element but the first of its container.
    private mutating func separate() {
        if pendingValue {
            pendingValue = false
            return
        }
        guard depth > 0 else { return }
        if depth < 64 {
            let bit: UInt64 = 1 << UInt64(depth)
            if memberBits & bit != 0 { bytes.append(UInt8(ascii: ",")) }
            memberBits |= bit
        } else {
            if deepMemberFlags[depth - 64] { bytes.append(UInt8(ascii: ",")) }
            deepMemberFlags[depth - 64] = true
        }
    }

    // MARK: values

    /// A string, escaped for the dialect.
    public mutating func string(_ value: String) {
        separate()
        var value = value
        // Native strings are contiguous UTF-8: scan them through a pointer.
        value.withUTF8 { appendQuoted($0) }
    }

    /// An integer.
    public mutating func integer(_ value: Int64) {
        separate()
        appendDecimal(value)
    }

    /// An integer of another type; values beyond `Int64` are clamped to it. Inlinable, so
    /// callers in other modules can specialize it instead of calling it through generic metadata.
    @inlinable
    public mutating func integer(_ value: some BinaryInteger) {
        integer(Int64(clamping: value))
    }

    /// A number in Swift's shortest round-tripping form; non-finite values have no JSON form
    /// and are written as `null`.
    public mutating func decimal(_ value: Double) {
        separate()
        if value.isFinite {
            bytes.append(contentsOf: String(value).utf8)
        } else {
            bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        }
    }

    /// `true` or `false`.
    public mutating func bool(_ value: Bool) {
        separate()
        if value { bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) }
    }

    /// `null`.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }

    /// An array of strings.
    public mutating func stringArray(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    // MARK: primitives

    private mutating func appendDecimal(_ value: Int64) {
        if value == 0 { bytes.append(UInt8(ascii: "0")); return }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            while magnitude > 0 {
                scratch[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[(24 - count)...]))
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Copies runs that need no escaping at once; only the rare bytes that do (and the
    /// three-byte sequences of U+2028/U+2029, E2 80 A8/A9) are written one by one. Eight bytes
    /// are checked at a time (``mayNeedEscape(_:)``); only a word that may hold such a byte is
    /// looked at byte by byte.
    private mutating func appendQuoted(_ input: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        let count = input.count
        if let base = input.baseAddress {
            while index < count {
                if index + 8 <= count, !mayNeedEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                    index += 8
                    continue
                }
                let stop = min(index + 8, count)
                while index < stop {
                    let byte = input[index]
                    let needsEscape: Bool
                    if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                        needsEscape = true
                    } else if escapesHTML, byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") {
                        needsEscape = true
                    } else if escapesLineSeparators, byte == 0xE2, index + 2 < count, input[index + 1] == 0x80,
                        input[index + 2] == 0xA8 || input[index + 2] == 0xA9
                    {
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                        bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "2"), UInt8(ascii: "0"),
                                                  UInt8(ascii: "2"), input[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9")])
                        index += 3
                        runStart = index
                        continue
                    } else {
                        needsEscape = false
                    }
                    if needsEscape {
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                        appendEscape(byte)
                        runStart = index + 1
                    }
                    index += 1
                }
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<count]))
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes of `word` may need escaping in this dialect: a control
    /// character, `"` or `\\`; `<`, `>` or `&` in Go's; any byte from 0x80 where U+2028 and
    /// U+2029 are escaped (their first byte, E2, is not told apart here). Exact for the first
    /// three tests, so a word it passes is copied as it is.
    private func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // Non-zero if a byte of `value` is zero (the borrow trick; exact as a yes/no).
        func anyZero(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
        var found = (word &- ones &* 0x20) & ~word & highs  // a byte below 0x20
        found |= anyZero(word ^ (ones &* 0x22)) | anyZero(word ^ (ones &* 0x5C))
        if escapesLineSeparators { found |= word & highs }
        if escapesHTML { found |= anyZero(word ^ (ones &* 0x3C)) | anyZero(word ^ (ones &* 0x3E)) | anyZero(word ^ (ones &* 0x26)) }
        return found != 0
    }

    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                      Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
        }
    }
}

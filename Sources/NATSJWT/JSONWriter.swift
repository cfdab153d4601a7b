/// Appends JSON straight into bytes, for the claim types the callout emits on every decision.
///
/// Two string dialects, both byte-exact with what they replace:
/// - `.foundation`: what `JSONEncoder` with `.withoutEscapingSlashes` writes (`\"`, `\\`,
///   `\b \t \n \f \r`, other controls as lowercase `\u00xx`, everything else raw UTF-8);
/// - `.go`: what Go's `encoding/json` writes, which additionally escapes `<`, `>`, `&`,
///   U+2028 and U+2029 (HTML-safe), so `jti` hashes match nats-io/jwt.
struct JSONWriter {
    enum Dialect { case foundation, go }

    private(set) var bytes: [UInt8]
    private let dialect: Dialect
    /// Bit n: the container at nesting level n already has a member (claims nest a few levels).
    private var memberBits: UInt64 = 0
    private var depth = 0
    /// Set between a key and its value so the value adds no separator.
    private var pendingValue = false

    init(dialect: Dialect, capacity: Int = 512) {
        self.dialect = dialect
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: structure

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes `"name":`; `name` must need no escaping (callers pass literal member names).
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        pendingValue = true
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        depth += 1
        memberBits &= ~(1 << UInt64(depth & 63))
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
        let bit: UInt64 = 1 << UInt64(depth & 63)
        if memberBits & bit != 0 { bytes.append(UInt8(ascii: ",")) }
        memberBits |= bit
    }

    // MARK: values

    mutating func string(_ value: String) {
        separate()
        var value = value
        value.withUTF8 { appendQuoted($0) }
    }

    mutating func integer(_ value: some BinaryInteger) {
        separate()
        appendDecimal(Int64(clamping: value))
    }

    mutating func bool(_ value: Bool) {
        separate()
        if value { bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) }
    }

    mutating func stringArray(_ values: [String]) {
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

    private mutating func appendQuoted(_ input: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        let go = dialect == .go
        var runStart = 0
        var index = 0
        let count = input.count
        while index < count {
            let byte = input[index]
            let needsEscape: Bool
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                needsEscape = true
            } else if go, byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") {
                needsEscape = true
            } else if go, byte == 0xE2, index + 2 < count, input[index + 1] == 0x80,
                input[index + 2] == 0xA8 || input[index + 2] == 0xA9
            {
                // U+2028 / U+2029
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
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<count]))
        bytes.append(UInt8(ascii: "\""))
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

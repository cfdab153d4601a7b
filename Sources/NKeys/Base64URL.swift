/// Base64url without padding (RFC 4648 §5): JWT segments and nonce signatures.
///
/// Hand-written over contiguous bytes with lookup tables, because a callout decision encodes
/// and decodes several segments and both the Foundation route (string copies) and a generic
/// per-byte loop showed up in profiles of the decision loop.
public enum Base64URL {
    private static let urlAlphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// 0...63 for both alphabets ('+' and '-' → 62, '/' and '_' → 63); 0xFF otherwise.
    private static let standardTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in urlAlphabet.enumerated() { table[Int(char)] = UInt8(index) }
        table[Int(UInt8(ascii: "+"))] = 62
        table[Int(UInt8(ascii: "/"))] = 63
        return table
    }()
    /// As `standardTable`, but '+' and '/' are refused (strict base64url).
    private static let urlTable: [UInt8] = {
        var table = standardTable
        table[Int(UInt8(ascii: "+"))] = 0xFF
        table[Int(UInt8(ascii: "/"))] = 0xFF
        return table
    }()

    /// The encoded length of `count` bytes (no padding).
    public static func encodedCount(_ count: Int) -> Int { (count * 4 + 2) / 3 }

    /// The encoding of `bytes` (no padding).
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output = [UInt8]()
        encode(bytes, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the encoding of `bytes` to `output` (no intermediate `String`).
    public static func encode(_ bytes: some Collection<UInt8>, into output: inout [UInt8]) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { encode($0, into: &output) }
        if done == nil { Array(bytes).withUnsafeBufferPointer { encode($0, into: &output) } }
    }

    private static func encode(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        let count = input.count
        guard count > 0 else { return }
        let start = output.count
        let outCount = encodedCount(count)
        output.append(contentsOf: repeatElement(0, count: outCount))
        output.withUnsafeMutableBufferPointer { out in
            urlAlphabet.withUnsafeBufferPointer { alphabet in
                var o = start
                var i = 0
                while i + 3 <= count {
                    let word = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    out[o] = alphabet[Int(word >> 18)]
                    out[o + 1] = alphabet[Int((word >> 12) & 63)]
                    out[o + 2] = alphabet[Int((word >> 6) & 63)]
                    out[o + 3] = alphabet[Int(word & 63)]
                    i += 3
                    o += 4
                }
                let rest = count - i
                if rest == 1 {
                    let word = UInt32(input[i]) << 16
                    out[o] = alphabet[Int(word >> 18)]
                    out[o + 1] = alphabet[Int((word >> 12) & 63)]
                } else if rest == 2 {
                    let word = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                    out[o] = alphabet[Int(word >> 18)]
                    out[o + 1] = alphabet[Int((word >> 12) & 63)]
                    out[o + 2] = alphabet[Int((word >> 6) & 63)]
                }
            }
        }
    }

    /// Strict: nil for text outside the base64url alphabet (padding included), an impossible
    /// length, or non-zero trailing bits.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(utf8: text.utf8)
    }

    /// Strict decoding of base64url text given as bytes (a slice of a token, say).
    public static func decode(utf8 text: some Collection<UInt8>) -> [UInt8]? {
        if let result = text.withContiguousStorageIfAvailable({ decode($0, table: urlTable) }) { return result }
        return Array(text).withUnsafeBufferPointer { decode($0, table: urlTable) }
    }

    /// Lenient: standard or URL alphabet, with or without padding, as nats-server accepts nonce
    /// signatures (nats.go sends base64url, nats-py standard base64 with padding).
    public static func decodeAny(_ text: some StringProtocol) -> [UInt8]? {
        var utf8 = Array(text.utf8)
        while utf8.last == UInt8(ascii: "=") { utf8.removeLast() }
        return utf8.withUnsafeBufferPointer { decode($0, table: standardTable) }
    }

    /// Decodes with `table` (0xFF = refused); nil for a refused byte, a length of 4n+1, or
    /// non-zero trailing bits.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, table: [UInt8]) -> [UInt8]? {
        let count = input.count
        guard count % 4 != 1 else { return nil }
        let outCount = count * 3 / 4
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: outCount) { out, initialised in
            table.withUnsafeBufferPointer { table in
                var i = 0
                var o = 0
                while i + 4 <= count {
                    let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                    let c = table[Int(input[i + 2])], d = table[Int(input[i + 3])]
                    // Any refused byte (0xFF) sets bit 7 in the OR of the four.
                    if (a | b | c | d) & 0x80 != 0 { failed = true; return }
                    let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    out[o] = UInt8(truncatingIfNeeded: word >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: word)
                    i += 4
                    o += 3
                }
                let rest = count - i
                if rest >= 2 {
                    let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                    let c = rest == 3 ? table[Int(input[i + 2])] : 0
                    if (a | b | c) & 0x80 != 0 { failed = true; return }
                    let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                    // Bits below the last whole byte must be zero (canonical encoding).
                    let trailingMask: UInt32 = rest == 2 ? 0xFFFF : 0xFF
                    if word & trailingMask != 0 { failed = true; return }
                    out[o] = UInt8(truncatingIfNeeded: word >> 16)
                    o += 1
                    if rest == 3 {
                        out[o] = UInt8(truncatingIfNeeded: word >> 8)
                        o += 1
                    }
                }
                initialised = o
            }
        }
        return failed ? nil : output
    }
}

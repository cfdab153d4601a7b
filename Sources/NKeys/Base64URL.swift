/// Base64url without padding (RFC 4648 §5): JWT segments and nonce signatures.
///
/// Hand-written rather than Foundation's `Data.base64EncodedString()` plus character
/// replacement, because a callout decision encodes and decodes several segments and the
/// Foundation route costs several string copies each.
package enum Base64URL {
    private static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// 0...63 for both alphabets ('+' and '-' → 62, '/' and '_' → 63); 0xFF otherwise.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in urlAlphabet.enumerated() { table[Int(char)] = UInt8(index) }
        table[Int(UInt8(ascii: "+"))] = 62
        table[Int(UInt8(ascii: "/"))] = 63
        return table
    }()

    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                output.append(urlAlphabet[Int((buffer >> UInt32(bits)) & 63)])
            }
        }
        if bits > 0 { output.append(urlAlphabet[Int((buffer << UInt32(6 - bits)) & 63)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Strict: nil for text outside the base64url alphabet (padding included), an impossible
    /// length, or non-zero trailing bits.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(text.utf8, allowStandard: false)
    }

    /// Lenient: standard or URL alphabet, with or without padding, as nats-server accepts nonce
    /// signatures (nats.go sends base64url, nats-py standard base64 with padding).
    package static func decodeAny(_ text: some StringProtocol) -> [UInt8]? {
        var utf8 = Substring(text).utf8
        while utf8.last == UInt8(ascii: "=") { utf8 = utf8.dropLast() }
        return decode(utf8, allowStandard: true)
    }

    private static func decode(_ utf8: some Collection<UInt8>, allowStandard: Bool) -> [UInt8]? {
        guard utf8.count % 4 != 1 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for char in utf8 {
            if !allowStandard, char == UInt8(ascii: "+") || char == UInt8(ascii: "/") { return nil }
            let value = decodeTable[Int(char)]
            guard value != 0xFF else { return nil }
            buffer = (buffer << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }
}

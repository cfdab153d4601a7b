/// RFC 4648 base32 (standard alphabet) without padding, as NKeys and JWT `jti`s use it.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        return table
    }()

    /// Encodes `bytes` without `=` padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        // Hand the work to a concrete function at once: a caller that gets this entry
        // unspecialized then makes no witness call per byte.
        if let encoded = bytes.withContiguousStorageIfAvailable(encode(buffer:)) { return encoded }
        return Array(bytes).withUnsafeBufferPointer(encode(buffer:))
    }

    private static func encode(buffer bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = (bytes.count * 8 + 4) / 5
        return String(unsafeUninitializedCapacity: count) { output in
            alphabet.withUnsafeBufferPointer { alphabet in
                var written = 0
                var buffer: UInt32 = 0
                var bits = 0
                for byte in bytes {
                    buffer = (buffer << 8) | UInt32(byte)
                    bits += 8
                    while bits >= 5 {
                        bits -= 5
                        output[written] = alphabet[Int((buffer >> UInt32(bits)) & 31)]
                        written += 1
                    }
                }
                if bits > 0 {
                    output[written] = alphabet[Int((buffer << UInt32(5 - bits)) & 31)]
                    written += 1
                }
                return written
            }
        }
    }

    /// Decodes unpadded base32; nil for characters outside the alphabet, impossible lengths
    /// or non-zero trailing bits (so every byte string has exactly one accepted encoding).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for char in text.utf8 {
            let value = decodeTable[Int(char)]
            guard value != 0xFF else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Leftover bits must be fewer than 5 (else a whole character was superfluous) and zero.
        guard bits < 5, buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }
}

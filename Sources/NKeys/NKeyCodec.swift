/// The NKeys text encoding: base32 of prefix byte(s) + 32-byte key + CRC-16 (little-endian).
enum NKeyCodec {
    static let keyLength = 32
    /// Prefix (1) + key (32) + CRC (2).
    static let publicRawLength = 35
    /// Seed header (2) + key (32) + CRC (2).
    static let seedRawLength = 36

    /// Encodes a 32-byte public key of `type`.
    static func encodePublic(_ type: NKeyType, key: some Collection<UInt8>) -> String {
        var raw = [UInt8]()
        raw.reserveCapacity(publicRawLength)
        raw.append(type.prefixByte)
        raw.append(contentsOf: key)
        appendChecksum(to: &raw)
        return Base32.encode(raw)
    }

    /// Encodes a 32-byte seed of `type`: the first two bytes carry the seed prefix and the type.
    static func encodeSeed(_ type: NKeyType, seed: UnsafeBufferPointer<UInt8>) -> String {
        var raw = [UInt8]()
        raw.reserveCapacity(seedRawLength)
        raw.append(NKeyType.seedPrefixByte | (type.prefixByte >> 5))
        raw.append((type.prefixByte & 31) << 3)
        raw.append(contentsOf: seed)
        appendChecksum(to: &raw)
        defer { raw.wipe() }
        return Base32.encode(raw)
    }

    /// Decodes and validates an encoded public key.
    static func decodePublic(_ text: some StringProtocol) throws(NKeysError) -> (type: NKeyType, key: [UInt8]) {
        var raw = try checkedRaw(text, what: "public key")
        // A seed passed here by mistake must not linger in memory either.
        defer { raw.wipe() }
        guard let type = NKeyType(prefixByte: raw[0]) else {
            throw NKeysError(.badPrefix, raw[0] & 0xF8 == NKeyType.seedPrefixByte
                ? "a seed was given where a public key is expected" : "unknown public key prefix")
        }
        guard raw.count == publicRawLength else {
            throw NKeysError(.badLength, "a \(type) public key has \(keyLength) bytes, got \(raw.count - 3)")
        }
        return (type, Array(raw[1..<(1 + keyLength)]))
    }

    /// Decodes and validates an encoded seed, handing its 32 raw bytes to `body`; the
    /// temporary copy is wiped afterwards.
    static func decodeSeed<R>(
        _ text: some StringProtocol,
        _ body: (NKeyType, UnsafeBufferPointer<UInt8>) throws(NKeysError) -> R
    ) throws(NKeysError) -> R {
        var raw = try checkedRaw(text, what: "seed")
        defer { raw.wipe() }
        let b1 = raw[0] & 0xF8
        let b2 = ((raw[0] & 0x07) << 5) | ((raw[1] & 0xF8) >> 3)
        guard b1 == NKeyType.seedPrefixByte else {
            throw NKeysError(.badPrefix, NKeyType(prefixByte: raw[0]) != nil
                ? "a public key was given where a seed is expected" : "not a seed prefix")
        }
        guard let type = NKeyType(prefixByte: b2) else {
            throw NKeysError(.badPrefix, "unknown key type in seed")
        }
        guard raw.count == seedRawLength else {
            throw NKeysError(.badLength, "a seed has \(keyLength) bytes, got \(raw.count - 4)")
        }
        let result: Result<R, NKeysError> = raw.withUnsafeBufferPointer { bytes in
            Result { () throws(NKeysError) in try body(type, UnsafeBufferPointer(rebasing: bytes[2..<(2 + keyLength)])) }
        }
        return try result.get()
    }

    /// Base32-decodes `text` and checks the trailing CRC; at least 3 bytes remain before it.
    private static func checkedRaw(_ text: some StringProtocol, what: String) throws(NKeysError) -> [UInt8] {
        guard var raw = Base32.decode(text) else {
            throw NKeysError(.badBase32, "\(what) is not valid base32")
        }
        guard raw.count >= 4 else {
            raw.wipe()
            throw NKeysError(.badLength, "\(what) is too short")
        }
        let body = raw.count - 2
        let expected = UInt16(raw[body]) | UInt16(raw[body + 1]) << 8
        guard CRC16.checksum(raw[..<body]) == expected else {
            raw.wipe()
            throw NKeysError(.badChecksum, "\(what) checksum does not match")
        }
        return raw
    }

    private static func appendChecksum(to raw: inout [UInt8]) {
        let crc = CRC16.checksum(raw)
        raw.append(UInt8(truncatingIfNeeded: crc))
        raw.append(UInt8(truncatingIfNeeded: crc >> 8))
    }
}

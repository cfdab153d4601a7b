import CSodium

/// SHA-512/256 (FIPS 180-4 §5.3.6.2), which nats-io/jwt hashes the standard claims with.
///
/// libsodium has no SHA-512/256, but it is SHA-512 with a different initial state and a
/// truncated output, and `crypto_hash_sha512_state` is a public struct whose state we can set.
enum SHA512_256 {
    /// The 32-byte digest of `bytes`.
    static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var state = crypto_hash_sha512_state()
        _ = crypto_hash_sha512_init(&state)
        state.state = (0x2231_2194_FC2B_F72C, 0x9F55_5FA3_C84C_64C2, 0x2393_B86B_6F53_B151, 0x9638_7719_5940_EABD,
                       0x9628_3EE2_A88E_FFE3, 0xBE5E_1E25_5386_3992, 0x2B01_99FC_2C85_B8AA, 0x0EB7_2DDC_81C5_2CA2)
        let array = Array(bytes)
        array.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { _ = crypto_hash_sha512_update(&state, base, UInt64(buffer.count)) }
        }
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha512_BYTES))
        digest.withUnsafeMutableBufferPointer { out in
            if let base = out.baseAddress { _ = crypto_hash_sha512_final(&state, base) }
        }
        return Array(digest.prefix(32))
    }
}

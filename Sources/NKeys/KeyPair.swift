import CSodium

/// An ed25519 NATS key pair (operator, account, user, server or cluster) that signs.
///
/// Holds the seed and libsodium's expanded 64-byte secret key in one wiped-on-release buffer,
/// so signing does no key derivation. The seed is only ever revealed by `encodedSeed()`;
/// `description` shows the type and public key only.
public struct KeyPair: Sendable, CustomStringConvertible {
    /// The key type; never `.curve` (see `XKeyPair`).
    public let type: NKeyType
    /// The encoded public key (`O…`, `A…`, `U…`, `N…` or `C…`).
    public let publicKey: String
    /// The raw 32-byte ed25519 public key.
    public let publicKeyBytes: [UInt8]
    /// Seed (32 bytes) followed by the expanded secret key (64 bytes).
    private let secret: SecretBytes

    private static let seedBytes = 32
    private static let secretKeyBytes = Int(crypto_sign_SECRETKEYBYTES)

    /// Creates a key pair from an encoded seed (`S…`).
    /// - Throws: `NKeysError` with `.badBase32`, `.badChecksum`, `.badPrefix`, `.badLength`, or
    ///   `.wrongKeyType` for a curve seed (use `XKeyPair`).
    public init(seed: String) throws(NKeysError) {
        try Sodium.ensureInitialised()
        self = try NKeyCodec.decodeSeed(seed) { type, raw throws(NKeysError) in
            guard type.isSigningType else {
                throw NKeysError(.wrongKeyType, "a curve seed cannot sign; use XKeyPair")
            }
            return KeyPair(type: type, rawSeed: raw)
        }
    }

    /// Generates a new random key pair of `type`.
    /// - Throws: `NKeysError.Code.wrongKeyType` for `.curve` (use `XKeyPair.generate()`).
    public static func generate(_ type: NKeyType) throws(NKeysError) -> KeyPair {
        try Sodium.ensureInitialised()
        guard type.isSigningType else {
            throw NKeysError(.wrongKeyType, "curve keys do not sign; use XKeyPair.generate()")
        }
        var seed = Sodium.randomBytes(seedBytes)
        defer { seed.wipe() }
        return seed.withUnsafeBufferPointer { KeyPair(type: type, rawSeed: $0) }
    }

    private init(type: NKeyType, rawSeed: UnsafeBufferPointer<UInt8>) {
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
        secret = SecretBytes(count: Self.seedBytes + Self.secretKeyBytes) { buffer in
            for (index, byte) in rawSeed.enumerated() { buffer[index] = byte }
            publicKey.withUnsafeMutableBufferPointer { pk in
                guard let pk = pk.baseAddress else { return }
                // Cannot fail for a 32-byte seed.
                _ = crypto_sign_seed_keypair(pk, buffer + Self.seedBytes, buffer)
            }
        }
        self.type = type
        self.publicKeyBytes = publicKey
        self.publicKey = NKeyCodec.encodePublic(type, key: publicKey)
    }

    /// The encoded seed (`S…`). Treat the result as a secret: never log it.
    public func encodedSeed() -> String {
        secret.withPointer { NKeyCodec.encodeSeed(type, seed: UnsafeBufferPointer(start: $0, count: Self.seedBytes)) }
    }

    /// The public half, for verifying.
    public var verifyingKey: PublicKey {
        PublicKey(type: type, encoded: publicKey, rawRepresentation: publicKeyBytes)
    }

    /// The 64-byte ed25519 signature of `message`.
    public func signature(for message: some Collection<UInt8>) -> [UInt8] {
        let count = Int(crypto_sign_BYTES)
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialised in
            guard let out = out.baseAddress else { return }
            secret.withPointer { secret in
                withBytePointer(of: message) { m, length in
                    // Cannot fail with a valid secret key.
                    _ = crypto_sign_detached(out, nil, m, UInt64(length), secret + Self.seedBytes)
                }
            }
            initialised = count
        }
    }

    /// True when `signature` is this key's valid ed25519 signature of `message`.
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
        verifyingKey.isValidSignature(signature, for: message)
    }

    public var description: String { "KeyPair(\(type), \(publicKey))" }
}

import CSodium

/// A curve25519 NATS key pair (`SX…` seed, `X…` public key) for xkey encryption.
///
/// Messages are sealed in the `xkv1` format that Go and Python nkeys use:
/// `"xkv1"` + 24-byte random nonce + NaCl box (x25519, XSalsa20-Poly1305).
/// For repeated traffic with one peer, `sharedBox(with:)` precomputes the shared key.
public struct XKeyPair: Sendable, CustomStringConvertible {
    /// The encoded public key (`X…`).
    public let publicKey: String
    /// The raw 32-byte curve25519 public key.
    public let publicKeyBytes: [UInt8]
    private let secret: SecretBytes

    /// Creates a key pair from an encoded curve seed (`SX…`).
    /// - Throws: `NKeysError` with `.badBase32`, `.badChecksum`, `.badPrefix`, `.badLength`, or
    ///   `.wrongKeyType` for a signing seed.
    public init(seed: String) throws(NKeysError) {
        try Sodium.ensureInitialised()
        self = try NKeyCodec.decodeSeed(seed) { type, raw throws(NKeysError) in
            guard type == .curve else {
                throw NKeysError(.wrongKeyType, "a \(type) seed is not a curve (xkey) seed")
            }
            return try XKeyPair(rawSeed: raw)
        }
    }

    /// Generates a new random curve key pair.
    public static func generate() throws(NKeysError) -> XKeyPair {
        try Sodium.ensureInitialised()
        var seed = Sodium.randomBytes(Int(crypto_box_SECRETKEYBYTES))
        defer { seed.wipe() }
        let result: Result<XKeyPair, NKeysError> = seed.withUnsafeBufferPointer { raw in
            Result { () throws(NKeysError) in try XKeyPair(rawSeed: raw) }
        }
        return try result.get()
    }

    private init(rawSeed: UnsafeBufferPointer<UInt8>) throws(NKeysError) {
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_box_PUBLICKEYBYTES))
        secret = try SecretBytes(count: Int(crypto_box_SECRETKEYBYTES)) { buffer throws(NKeysError) in
            for (index, byte) in rawSeed.enumerated() { buffer[index] = byte }
            let status = publicKey.withUnsafeMutableBufferPointer { pk in
                pk.baseAddress.map { crypto_scalarmult_base($0, buffer) } ?? -1
            }
            guard status == 0 else { throw NKeysError(.cryptoFailure, "curve25519 base multiplication failed") }
        }
        publicKeyBytes = publicKey
        self.publicKey = NKeyCodec.encodePublic(.curve, key: publicKey)
    }

    /// The encoded seed (`SX…`). Treat the result as a secret: never log it.
    public func encodedSeed() -> String {
        secret.withPointer { NKeyCodec.encodeSeed(.curve, seed: UnsafeBufferPointer(start: $0, count: secret.count)) }
    }

    /// Seals `message` for `recipient` (an `X…` key): `"xkv1"` + nonce + box.
    /// - Throws: `NKeysError` when `recipient` is not a valid curve public key.
    public func seal(_ message: some Collection<UInt8>, to recipient: String) throws(NKeysError) -> [UInt8] {
        let peer = try PublicKey(recipient, allowedTypes: [.curve])
        return try XKeySealing.seal(message) { cipher, m, length, nonce in
            withBoxKeys(peer) { pk, sk in crypto_box_easy(cipher, m, length, nonce, pk, sk) }
        }
    }

    /// Opens a message `sender` (an `X…` key) sealed for this key pair.
    /// - Throws: `NKeysError` with `.badSealedMessage` (too short or no `xkv1` header),
    ///   `.decryptionFailed` (wrong keys or altered message), or a key decoding code.
    public func open(_ sealed: some Collection<UInt8>, from sender: String) throws(NKeysError) -> [UInt8] {
        let peer = try PublicKey(sender, allowedTypes: [.curve])
        return try XKeySealing.open(sealed) { plain, cipher, length, nonce in
            withBoxKeys(peer) { pk, sk in crypto_box_open_easy(plain, cipher, length, nonce, pk, sk) }
        }
    }

    /// Precomputes the shared key with `peerPublicKey` (an `X…` key) for fast repeated
    /// seal/open in the same wire format.
    /// - Throws: `NKeysError` for an invalid peer key, or `.cryptoFailure` for a degenerate one.
    public func sharedBox(with peerPublicKey: String) throws(NKeysError) -> XKeyBox {
        let peer = try PublicKey(peerPublicKey, allowedTypes: [.curve])
        let shared = try SecretBytes(count: Int(crypto_box_BEFORENMBYTES)) { buffer throws(NKeysError) in
            let status = withBoxKeys(peer) { pk, sk in crypto_box_beforenm(buffer, pk, sk) }
            guard status == 0 else { throw NKeysError(.cryptoFailure, "no shared key with this peer key") }
        }
        return XKeyBox(peerPublicKey: peer.encoded, sharedKey: shared)
    }

    /// Runs `body` with `peer`'s raw key and this pair's secret key: the two keys every
    /// crypto_box call (seal, open, shared key) takes.
    private func withBoxKeys<R>(
        _ peer: PublicKey, _ body: (_ pk: UnsafePointer<UInt8>, _ sk: UnsafePointer<UInt8>) -> R
    ) -> R {
        secret.withPointer { sk in withBytePointer(of: peer.rawRepresentation) { pk, _ in body(pk, sk) } }
    }

    public var description: String { "XKeyPair(\(publicKey))" }
}

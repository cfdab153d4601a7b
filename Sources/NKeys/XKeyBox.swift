import CSodium

/// A precomputed curve25519 shared key between one `XKeyPair` and one peer.
///
/// `seal`/`open` produce and accept exactly the `xkv1` format of `XKeyPair.seal(_:to:)`, but skip
/// the per-message scalar multiplication. The shared key is wiped when the box is released.
public struct XKeyBox: Sendable {
    /// The peer's encoded public key (`X…`).
    public let peerPublicKey: String
    private let sharedKey: SecretBytes

    init(peerPublicKey: String, sharedKey: SecretBytes) {
        self.peerPublicKey = peerPublicKey
        self.sharedKey = sharedKey
    }

    /// Seals `message` for the peer.
    /// - Throws: `.cryptoFailure` only if libsodium refuses (messages near 2^64 bytes).
    public func seal(_ message: some Collection<UInt8>) throws(NKeysError) -> [UInt8] {
        try XKeySealing.seal(message) { cipher, m, length, nonce in
            sharedKey.withPointer { key in crypto_box_easy_afternm(cipher, m, length, nonce, key) }
        }
    }

    /// Opens a message the peer sealed for us.
    /// - Throws: `NKeysError` with `.badSealedMessage` or `.decryptionFailed`.
    public func open(_ sealed: some Collection<UInt8>) throws(NKeysError) -> [UInt8] {
        try XKeySealing.open(sealed) { plain, cipher, length, nonce in
            sharedKey.withPointer { key in crypto_box_open_easy_afternm(plain, cipher, length, nonce, key) }
        }
    }
}

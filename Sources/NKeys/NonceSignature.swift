/// Signing the nonce in nats-server's INFO, as a client with an nkey does in CONNECT (`sig`),
/// and checking such a signature, as an auth callout must (the server does not check it
/// before calling out).
extension KeyPair {
    /// The base64url (unpadded) ed25519 signature of the nonce's UTF-8 bytes, as nats.go sends it.
    public func signNonce(_ nonce: String) -> String {
        Base64URL.encode(signature(for: Array(nonce.utf8)))
    }
}

extension PublicKey {
    /// True when `signature` (base64url or standard base64, padded or not, as clients send it)
    /// is this key's ed25519 signature of the nonce's UTF-8 bytes.
    public func isValidNonceSignature(_ signature: String, nonce: String) -> Bool {
        guard let bytes = Base64URL.decodeAny(signature) else { return false }
        return isValidSignature(bytes, for: Array(nonce.utf8))
    }
}

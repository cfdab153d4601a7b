import NKeys

/// A key that signs for one account: the account's own key, or one of its signing keys.
public struct AccountSigner: Sendable {
    /// The account's public key (`A…`).
    public let account: String
    /// The key pair that signs (kept expanded: signing costs no key derivation per decision).
    public let signer: KeyPair

    /// - Throws: ``CalloutConfigurationError`` when `signer` is not an account key.
    public init(account: String, signer: KeyPair) throws(CalloutConfigurationError) {
        guard signer.type == .account, PublicKey.isValid(account, types: [.account]) else {
            throw CalloutConfigurationError("account signers must be account keys (A…)")
        }
        self.account = account
        self.signer = signer
    }

    /// The signer's own account key.
    public init(accountKey: KeyPair) throws(CalloutConfigurationError) {
        try self.init(account: accountKey.publicKey, signer: accountKey)
    }

    /// `issuer_account` to write: set only when a signing key (not the account key) signs.
    var issuerAccount: String? { signer.publicKey == account ? nil : account }
}

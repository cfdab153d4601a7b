import NKeys

/// Which keys sign what, for the two nats-server modes.
public struct CalloutKeys: Sendable {
    public enum Mode: Sendable {
        /// Config-file accounts: the `auth_callout.issuer` account key signs user JWTs (whose `aud`
        /// is the target account name) and responses.
        case config(issuer: KeyPair)
        /// Operator (JWT) mode: the callout account signs responses; each target account (by the
        /// name the policy uses) signs its users' JWTs, with `issuer_account` for signing keys.
        case `operator`(callout: AccountSigner, accounts: [String: AccountSigner])
    }

    public let mode: Mode
    /// Our curve key, when the server encrypts requests (`auth_callout.xkey` is its public key).
    public let xkey: XKeyPair?

    public init(mode: Mode, xkey: XKeyPair? = nil) {
        self.mode = mode
        self.xkey = xkey
    }

    /// The key whose public half the request's `sub` must name (the configured issuer).
    var calloutPublicKey: String {
        switch mode {
        case let .config(issuer): issuer.publicKey
        case let .operator(callout, _): callout.account
        }
    }

    var responseSigner: (key: KeyPair, issuerAccount: String?) {
        switch mode {
        case let .config(issuer): (issuer, nil)
        case let .operator(callout, _): (callout.signer, callout.issuerAccount)
        }
    }

    /// The signer for a user JWT in `account`, and the `aud` to write; nil when operator mode
    /// has no key for the account.
    /// Policy account name → account public key, for the accounts whose users we sign in
    /// operator mode (nats-server names accounts by key there, e.g. in CONNZ); empty in config mode,
    /// where the name is the account.
    public var accountKeys: [String: String] {
        switch mode {
        case .config: [:]
        case let .operator(_, accounts): accounts.mapValues(\.account)
        }
    }

    func userSigner(for account: String) -> (key: KeyPair, issuerAccount: String?, audience: String?)? {
        switch mode {
        case let .config(issuer):
            return (issuer, nil, account)
        case let .operator(_, accounts):
            guard let signer = accounts[account] else { return nil }
            return (signer.signer, signer.issuerAccount, nil)
        }
    }
}

/// A callout configuration that cannot work (wrong key types, missing keys).
public struct CalloutConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

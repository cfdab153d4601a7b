import Foundation
import IdentityStore
import NKeys
import OIDC

extension DecisionMachine {
    /// A request whose envelope checks passed: what its decision goes on with.
    struct Verified: Sendable {
        var facts: Facts
        let connect: ConnectRequest
        /// Past it, the decision is a `timeout` denial.
        let deadline: Date
        /// The presented nkey, parsed before its lookup (its nonce signature is checked after).
        var nkey: PublicKey?
        /// A presented token's SHA-256 hash: its lookup key, and kept with the grant for revocation.
        var tokenHash: [UInt8]?
        /// How the connect authenticates (``Rules/method(of:)``: a token login is `oidc`).
        var method: DecisionRecord.AuthMethod = .none
        /// The verified IdP token of an `oidc` login.
        var token: VerifiedToken?
    }
}

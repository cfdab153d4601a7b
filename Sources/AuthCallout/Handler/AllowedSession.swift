import Foundation
import IdentityStore

/// An allowed connection, as live-session revocation needs to find it again.
public struct AllowedSession: Sendable, Equatable {
    public var serverID: String
    public var clientID: UInt64?
    public var userID: String
    public var userName: String
    public var account: String
    public var expires: Date
    /// The identity state the decision was made on.
    public var fingerprint: IdentityFingerprint
    public var groupIDs: Set<String>
    /// Set for token logins (the token's SHA-256 hash, never the token).
    public var accessTokenHash: [UInt8]? = nil
}

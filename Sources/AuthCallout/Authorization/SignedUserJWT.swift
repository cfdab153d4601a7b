import Foundation

/// What the record keeps of the user JWT an allow carried: its id and expiry, never the token.
public struct SignedUserJWT: Sendable, Equatable {
    /// The `jti`.
    public var id: String
    public var expires: Date

    public init(id: String, expires: Date) {
        self.id = id
        self.expires = expires
    }
}

import Foundation

/// A bearer token as listed by the CLI (never the token itself or its hash).
public struct TokenInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The user an access token belongs to; nil for SCIM API tokens.
    public var userId: String?
    public var created: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    /// True when the token can still be used at `date`.
    public func isValid(at date: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > date } ?? true)
    }
}

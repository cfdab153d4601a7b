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
    /// When the token last authenticated a request (SCIM tokens only; recorded at most once a
    /// minute per token, so it may lag by that much).
    public var lastUsedAt: Date?

    public init(id: String, name: String, userId: String?, created: Date, expiresAt: Date?, revokedAt: Date?,
                lastUsedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.userId = userId
        self.created = created
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    /// True when the token can still be used at `date`.
    public func isValid(at date: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > date } ?? true)
    }
}

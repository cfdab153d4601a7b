import Foundation
import IdentityStore

/// One `tokens list --json` line. Absent values are JSON `null` (not the table's `-` or
/// `never`), times are RFC 3339 UTC, so a script can compare them without parsing prose.
struct TokenListEntry: Encodable, Equatable {
    /// `scim` (an IdP's bearer token) or `nats` (a user's access token).
    var kind: String
    var id: String
    var name: String
    /// The user id of an access token; null for SCIM tokens.
    var user: String?
    var created: String
    /// Null when the token never expires.
    var expires: String?
    /// Null when never used, and always for access tokens (their use is in the decision log).
    var lastUsed: String?
    var revoked: String?
    /// `valid`, `expired` or `revoked`.
    var state: String

    init(_ token: TokenInfo, scim: Bool, now: Date) {
        kind = scim ? "scim" : "nats"
        id = token.id
        name = token.name
        user = token.userId
        created = Table.time(token.created)
        expires = token.expiresAt.map(Table.time)
        lastUsed = scim ? token.lastUsedAt.map(Table.time) : nil
        revoked = token.revokedAt.map(Table.time)
        state = token.revokedAt != nil ? "revoked" : (token.isValid(at: now) ? "valid" : "expired")
    }

    enum CodingKeys: String, CodingKey {
        case kind, id, name, user, created, expires, lastUsed = "last_used", revoked, state
    }

    // Spelled out so nil fields are written as null: the shape is the same on every line.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(user, forKey: .user)
        try container.encode(created, forKey: .created)
        try container.encode(expires, forKey: .expires)
        try container.encode(lastUsed, forKey: .lastUsed)
        try container.encode(revoked, forKey: .revoked)
        try container.encode(state, forKey: .state)
    }

    /// The entry as one compact JSON line with sorted keys.
    func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

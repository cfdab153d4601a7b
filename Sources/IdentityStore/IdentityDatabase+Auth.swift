import Foundation
import GRDB

extension IdentityDatabase {
    /// The user with this `userName` (caseless), or nil. One indexed statement.
    public func authSubject(userName: String) async throws -> AuthSubject? {
        let key = IdentityKey.fold(userName)
        return try await writer.read { db in
            try Self.authSubject(db, where: "u.user_name_key = ?", key)
        }
    }

    /// The user owning the nkey `publicKey`, or nil. One indexed statement.
    public func authSubject(nkey publicKey: String) async throws -> AuthSubject? {
        try await writer.read { db in
            try Self.authSubject(db, where: "u.id = (SELECT user_id FROM user_nkeys WHERE public_key = ?)", publicKey)
        }
    }

    /// The user owning a valid (not revoked, not expired) access token with this SHA-256 hash.
    public func authSubject(accessTokenHash: [UInt8]) async throws -> AuthSubject? {
        let now = timestamp
        return try await writer.read { db in
            guard let token = try AccessTokenRecord
                .filter(Column(AccessTokenRecord.CodingKeys.tokenHash) == Data(accessTokenHash))
                .fetchOne(db),
                SecretToken.constantTimeEquals(Array(token.tokenHash), accessTokenHash),
                token.revokedAt == nil,
                token.expiresAt.map({ $0 > now }) ?? true
            else { return nil }
            return try Self.authSubject(db, where: "u.id = ?", token.userId)
        }
    }

    /// The user owning the valid access token `token` (plaintext as presented by the client).
    public func authSubject(accessToken token: String) async throws -> AuthSubject? {
        try await authSubject(accessTokenHash: SecretToken.hash(token))
    }

    /// The user with this id, or nil.
    public func authSubject(id: String) async throws -> AuthSubject? {
        try await writer.read { db in try Self.authSubject(db, where: "u.id = ?", id) }
    }

    static func authSubject(_ db: Database, where condition: String, _ argument: String) throws -> AuthSubject? {
        // `condition` is one of the constant predicates above, never client input.
        let sql = """
            SELECT u.id, u.user_name, u.external_id, u.display_name, u.active, u.password_hash, u.tags,
                   u.jwt_lifetime_seconds, u.version,
                   (SELECT json_group_array(public_key) FROM user_nkeys WHERE user_id = u.id) AS nkeys,
                   (SELECT json_group_array(json_object('id', g.id, 'displayName', g.display_name,
                                                        'externalId', g.external_id))
                    FROM group_members m JOIN groups g ON g.id = m.group_id
                    WHERE m.member_id = u.id) AS groups
            FROM users u WHERE \(condition)
            """
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [argument]) else { return nil }
        let decoder = JSONDecoder()
        func strings(_ column: String) -> [String] {
            guard let text: String = row[column] else { return [] }
            return (try? decoder.decode([String].self, from: Data(text.utf8))) ?? []
        }
        let groupsText: String = row["groups"] ?? "[]"
        let groups = (try? decoder.decode([GroupRef].self, from: Data(groupsText.utf8))) ?? []
        return AuthSubject(
            id: row["id"], userName: row["user_name"], externalId: row["external_id"],
            displayName: row["display_name"], active: row["active"], passwordHash: row["password_hash"],
            nkeys: strings("nkeys").sorted(), tags: strings("tags"), jwtLifetimeSeconds: row["jwt_lifetime_seconds"],
            version: row["version"], groups: groups.sorted { $0.displayName < $1.displayName })
    }
}

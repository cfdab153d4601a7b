import Foundation
import GRDB

extension IdentityDatabase {
    // MARK: SCIM API tokens

    /// Issues a SCIM bearer token; the plaintext is returned once and only its hash is stored.
    public func issueSCIMToken(name: String) async throws -> IssuedToken {
        let token = SecretToken.generate(prefix: SecretToken.scimPrefix)
        let record = SCIMTokenRecord(id: UUID().uuidString.lowercased(), name: name,
                                     tokenHash: Data(SecretToken.hash(token)), created: timestamp, revokedAt: nil)
        try await writer.write { db in try record.insert(db) }
        logger.info("SCIM token issued", metadata: ["token.id": .string(record.id), "token.name": .string(name)])
        return IssuedToken(info: Self.info(record), token: token)
    }

    /// All SCIM tokens, revoked ones included, oldest first.
    public func listSCIMTokens() async throws -> [TokenInfo] {
        try await writer.read { db in
            try SCIMTokenRecord.order(Column("created"), Column("id")).fetchAll(db).map(Self.info)
        }
    }

    /// Revokes a SCIM token; it stops working for the next request.
    /// - Throws: `.notFound` for an unknown id.
    public func revokeSCIMToken(id: String) async throws {
        let now = timestamp
        try await writer.write { db in
            try db.execute(sql: "UPDATE scim_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
                           arguments: [now, id])
            guard db.changesCount > 0 else { throw IdentityStoreError(.notFound, "SCIM token \(id) not found") }
        }
        logger.info("SCIM token revoked", metadata: ["token.id": .string(id)])
    }

    /// The id of the valid SCIM token `token`, or nil (looked up by hash, compared in constant time).
    public func authenticateSCIMToken(_ token: String) async throws -> String? {
        let hash = SecretToken.hash(token)
        return try await writer.read { db in
            guard let record = try SCIMTokenRecord
                .filter(Column(SCIMTokenRecord.CodingKeys.tokenHash) == Data(hash)).fetchOne(db),
                SecretToken.constantTimeEquals(Array(record.tokenHash), hash),
                record.revokedAt == nil
            else { return nil }
            return record.id
        }
    }

    // MARK: NATS access tokens

    /// Issues a NATS access token for the user `userName`.
    /// - Throws: `.notFound` when there is no such user.
    public func issueAccessToken(userName: String, name: String, expiresAt: Date? = nil) async throws -> IssuedToken {
        let token = SecretToken.generate(prefix: SecretToken.accessPrefix)
        let key = IdentityKey.fold(userName)
        let now = timestamp
        let record = try await writer.write { db in
            guard let userId = try String.fetchOne(db, sql: "SELECT id FROM users WHERE user_name_key = ?",
                                                   arguments: [key])
            else { throw IdentityStoreError(.notFound, "User \(userName) not found") }
            let record = AccessTokenRecord(
                id: UUID().uuidString.lowercased(), userId: userId, name: name,
                tokenHash: Data(SecretToken.hash(token)), created: now,
                expiresAt: expiresAt.map(\.timeIntervalSince1970), revokedAt: nil)
            try record.insert(db)
            return record
        }
        logger.info("access token issued", metadata: ["token.id": .string(record.id), "scim.id": .string(record.userId)])
        return IssuedToken(info: Self.info(record), token: token)
    }

    /// Access tokens, of one user (by `userName`) or of all users.
    public func listAccessTokens(userName: String? = nil) async throws -> [TokenInfo] {
        try await writer.read { db in
            var request = AccessTokenRecord.order(Column("created"), Column("id"))
            if let userName {
                let key = IdentityKey.fold(userName)
                request = request.filter(sql: "user_id IN (SELECT id FROM users WHERE user_name_key = ?)",
                                         arguments: [key])
            }
            return try request.fetchAll(db).map(Self.info)
        }
    }

    /// Revokes an access token; the next connect with it is denied.
    /// - Throws: `.notFound` for an unknown id.
    public func revokeAccessToken(id: String) async throws {
        let now = timestamp
        try await writer.write { db in
            guard let userId = try String.fetchOne(db, sql: "SELECT user_id FROM access_tokens WHERE id = ?",
                                                   arguments: [id])
            else { throw IdentityStoreError(.notFound, "access token \(id) not found") }
            try db.execute(sql: "UPDATE access_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
                           arguments: [now, id])
            // The callout may cache decisions per user: make the revocation visible in the feed.
            _ = try Self.recordChange(db, at: now, type: .user, id: userId, operation: .update)
        }
        logger.info("access token revoked", metadata: ["token.id": .string(id)])
    }

    static func info(_ record: SCIMTokenRecord) -> TokenInfo {
        TokenInfo(id: record.id, name: record.name, userId: nil, created: Date(timeIntervalSince1970: record.created),
                  expiresAt: nil, revokedAt: record.revokedAt.map(Date.init(timeIntervalSince1970:)))
    }

    static func info(_ record: AccessTokenRecord) -> TokenInfo {
        TokenInfo(id: record.id, name: record.name, userId: record.userId,
                  created: Date(timeIntervalSince1970: record.created),
                  expiresAt: record.expiresAt.map(Date.init(timeIntervalSince1970:)),
                  revokedAt: record.revokedAt.map(Date.init(timeIntervalSince1970:)))
    }
}

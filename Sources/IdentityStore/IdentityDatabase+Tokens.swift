import Foundation
import GRDB
import Logging

extension IdentityDatabase {
    // MARK: SCIM API tokens

    /// How often a SCIM token's `last_used_at` is written at most: a busy IdP sends many requests
    /// a minute, and one write per request would contend with the provisioning writes.
    public static let lastUseResolution: TimeInterval = 60

    /// Issues a SCIM bearer token; the plaintext is returned once and only its hash is stored.
    /// - Parameter expiresAt: when the token stops working; nil for never.
    public func issueSCIMToken(name: String, expiresAt: Date? = nil) async throws -> IssuedToken {
        let token = SecretToken.generate(prefix: SecretToken.scimPrefix)
        let record = SCIMTokenRecord(id: UUID().uuidString.lowercased(), name: name,
                                     tokenHash: Data(SecretToken.hash(token)), created: timestamp, revokedAt: nil,
                                     expiresAt: expiresAt.map(\.timeIntervalSince1970), lastUsedAt: nil)
        try await writer.write { db in try record.insert(db) }
        logger.info("SCIM token issued", metadata: ["token.id": .string(record.id), "token.name": .string(name)])
        return IssuedToken(info: Self.info(record), token: token)
    }

    /// Issues a successor for the SCIM token(s) named `nameOrId` and lets them expire `overlap`
    /// from now, so the IdP can be switched to the new token while the old one still works.
    ///
    /// Every unrevoked, unexpired token with that name (or that id) is a predecessor; one that
    /// already expires sooner keeps its earlier expiry. The successor takes the name of the
    /// predecessors and expires `lifetime` from now, or, when `lifetime` is nil, after the
    /// newest predecessor's own lifetime (never, if it had none).
    /// - Throws: `.notFound` when no valid token has that name or id; `.invalidValue` for a
    ///   negative overlap or a non-positive lifetime.
    public func rotateSCIMToken(nameOrId: String, overlap: TimeInterval, lifetime: TimeInterval? = nil) async throws
        -> RotatedToken
    {
        guard overlap >= 0, overlap.isFinite else { throw IdentityStoreError(.invalidValue, "the overlap must not be negative") }
        if let lifetime, !(lifetime > 0 && lifetime.isFinite) {
            throw IdentityStoreError(.invalidValue, "the lifetime must be positive")
        }
        let token = SecretToken.generate(prefix: SecretToken.scimPrefix)
        let now = timestamp
        let end = now + overlap
        let (successor, predecessors) = try await writer.write { db in
            let candidates = try SCIMTokenRecord
                .filter(sql: "(name = ? OR id = ?) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
                        arguments: [nameOrId, nameOrId, now])
                .order(Column("created"), Column("id")).fetchAll(db)
            // A name wins over an id: both select the same tokens unless a name looks like an id.
            let named = candidates.filter { $0.name == nameOrId }
            let predecessors = named.isEmpty ? candidates : named
            guard let newest = predecessors.last else {
                throw IdentityStoreError(.notFound, "no valid SCIM token named \(nameOrId)")
            }
            let inherited = newest.expiresAt.map { $0 - newest.created }
            let successor = SCIMTokenRecord(
                id: UUID().uuidString.lowercased(), name: newest.name, tokenHash: Data(SecretToken.hash(token)),
                created: now, revokedAt: nil, expiresAt: (lifetime ?? inherited).map { now + $0 }, lastUsedAt: nil)
            var updated: [SCIMTokenRecord] = []
            for var record in predecessors {
                record.expiresAt = min(record.expiresAt ?? end, end)
                try record.update(db)
                updated.append(record)
            }
            try successor.insert(db)
            return (successor, updated)
        }
        logger.info("SCIM token rotated", metadata: [
            "token.id": .string(successor.id), "token.name": .string(successor.name),
            "token.replaces": .array(predecessors.map { .string($0.id) }), "token.overlap_seconds": "\(Int(overlap))",
        ])
        return RotatedToken(successor: IssuedToken(info: Self.info(successor), token: token),
                            predecessors: predecessors.map(Self.info))
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
    ///
    /// An expired or revoked token is refused with a log line naming it (never its secret). A
    /// valid one has its last use recorded when the stored time is older than
    /// ``lastUseResolution``, so a busy IdP costs one write a minute, not one per request.
    public func authenticateSCIMToken(_ token: String) async throws -> String? {
        let hash = SecretToken.hash(token)
        guard let record = try await writer.read({ db in
            try SCIMTokenRecord.filter(Column(SCIMTokenRecord.CodingKeys.tokenHash) == Data(hash)).fetchOne(db)
        }), SecretToken.constantTimeEquals(Array(record.tokenHash), hash)
        else { return nil }
        let now = timestamp
        let metadata: Logger.Metadata = ["token.id": .string(record.id), "token.name": .string(record.name)]
        if record.revokedAt != nil {
            logger.info("SCIM request refused: the bearer token is revoked", metadata: metadata)
            return nil
        }
        if let expiresAt = record.expiresAt, expiresAt <= now {
            var metadata = metadata
            metadata["token.expired_at"] = .string(Date(timeIntervalSince1970: expiresAt).formatted(.iso8601))
            logger.info("SCIM request refused: the bearer token expired; rotate it (scim-callout tokens rotate)",
                        metadata: metadata)
            return nil
        }
        if record.lastUsedAt.map({ now - $0 >= Self.lastUseResolution }) ?? true {
            // The condition is repeated in SQL so concurrent requests write the time once.
            try await writer.write { db in
                try db.execute(sql: """
                    UPDATE scim_tokens SET last_used_at = ?
                    WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)
                    """, arguments: [now, record.id, now - Self.lastUseResolution])
            }
        }
        return record.id
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
                  expiresAt: record.expiresAt.map(Date.init(timeIntervalSince1970:)),
                  revokedAt: record.revokedAt.map(Date.init(timeIntervalSince1970:)),
                  lastUsedAt: record.lastUsedAt.map(Date.init(timeIntervalSince1970:)))
    }

    static func info(_ record: AccessTokenRecord) -> TokenInfo {
        TokenInfo(id: record.id, name: record.name, userId: record.userId,
                  created: Date(timeIntervalSince1970: record.created),
                  expiresAt: record.expiresAt.map(Date.init(timeIntervalSince1970:)),
                  revokedAt: record.revokedAt.map(Date.init(timeIntervalSince1970:)))
    }
}

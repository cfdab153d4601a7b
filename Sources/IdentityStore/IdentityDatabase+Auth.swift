import Foundation
import GRDB

/// The auth-callout read path: one short, indexed read per connect.
///
/// Every lookup by name, nkey or id is **one** statement (user, nkeys and groups joined), so it
/// sees one consistent snapshot without an explicit transaction (SQLite runs a lone statement in
/// its own read transaction); that saves GRDB's BEGIN/COMMIT round per connect. A token lookup
/// reads the token row and the user in one read transaction. Statements are prepared once per
/// connection and cached: no SQL is parsed or authorized after a connection's first decision,
/// and rows are read by column index.
///
/// The read blocks the calling thread instead of hopping to GRDB's queue and back, which saves a
/// dispatch + task switch per decision. That is bounded: on a file store (production) the lookups
/// run on ``AuthReaders`` (read-only connections of their own, one per core plus spare ones,
/// `IdentityDatabase.readerCount`), a WAL reader never waits for the writer, and the lookups are
/// unique-index probes (about 10 µs), so a decision waits at most for one other lookup on the same
/// connection. Those connections share one cache of results, kept until the next commit to the
/// store (``AuthLookupCache``, checked with `PRAGMA data_version`), so every connect is still
/// decided on the state committed when its request arrived: a lookup given the request's
/// `arrival` skips the check when one has started since (the requests of one socket read share
/// one check); without it, every lookup checks. On an in-memory `DatabaseQueue` (tests, tools) a read
/// waits for a write transaction in progress, which is equally short.
extension IdentityDatabase {
    /// The user with this `userName` (caseless), or nil. One indexed statement.
    /// - Parameter arrival: when the request asking arrived (`DispatchTime`, the monotonic clock
    ///   `NIODeadline` reads too): the answer reflects every commit finished before it. Nil: every
    ///   commit finished before the call.
    public func authSubject(userName: String, arrival: DispatchTime? = nil) throws -> AuthSubject? {
        try readAuthSubject(userName: userName, arrival: arrival)
    }

    /// The user owning the nkey `publicKey`, or nil. One indexed statement.
    public func authSubject(nkey publicKey: String, arrival: DispatchTime? = nil) throws -> AuthSubject? {
        try readAuthSubject(nkey: publicKey, arrival: arrival)
    }

    /// The user owning a valid (not revoked, not expired) access token with this SHA-256 hash.
    public func authSubject(accessTokenHash: [UInt8], arrival: DispatchTime? = nil) throws -> AuthSubject? {
        try readAuthSubject(accessTokenHash: accessTokenHash, arrival: arrival)
    }

    /// The user owning the valid access token `token` (plaintext as presented by the client).
    public func authSubject(accessToken token: String) throws -> AuthSubject? {
        try readAuthSubject(accessTokenHash: SecretToken.hash(token))
    }

    /// The user with this id, or nil.
    public func authSubject(id: String) throws -> AuthSubject? {
        try readAuthSubject(id: id)
    }

    // MARK: Synchronous reads

    // Non-async on purpose: from a non-async function `writer.read`/`unsafeRead` resolve to GRDB's
    // synchronous overloads, which run on this thread (see the type comment). `unsafeRead` only
    // means "no explicit transaction": each of these reads is a single statement.

    func readAuthSubject(userName: String, arrival: DispatchTime? = nil) throws -> AuthSubject? {
        let key = IdentityKey.fold(userName)
        return try readSubject(.userNameKey(key), AuthStatements.byUserNameKey, key, arrival: arrival)
    }

    func readAuthSubject(nkey publicKey: String, arrival: DispatchTime? = nil) throws -> AuthSubject? {
        try readSubject(.nkey(publicKey), AuthStatements.byNKey, publicKey, arrival: arrival)
    }

    func readAuthSubject(id: String) throws -> AuthSubject? {
        try readSubject(.id(id), AuthStatements.byID, id)
    }

    /// One single-statement lookup: on the auth readers of a file store (which remember results
    /// until the next commit), else on the writer's own read path (`unsafeRead`: no explicit
    /// transaction, the lone statement is its snapshot).
    private func readSubject(_ lookup: AuthLookup, _ sql: String, _ argument: String,
                             arrival: DispatchTime? = nil) throws -> AuthSubject? {
        if let authReaders {
            return try authReaders.subject(lookup, now: timestamp, arrival: arrival) { db in
                try AuthStatements.subject(db, sql, argument)
            }
        }
        return try writer.unsafeRead { db in try AuthStatements.subject(db, sql, argument) }
    }

    func readAuthSubject(accessTokenHash: [UInt8], arrival: DispatchTime? = nil) throws -> AuthSubject? {
        let now = timestamp
        if let authReaders {
            return try authReaders.subject(.accessTokenHash(accessTokenHash), now: now, arrival: arrival, transaction: true) { db in
                try AuthStatements.subject(db, accessTokenHash: accessTokenHash, now: now)
            }
        }
        return try writer.read { db in try AuthStatements.subject(db, accessTokenHash: accessTokenHash, now: now) }
    }
}

extension AuthStatements {
    /// The user holding the valid access token with this hash, read in the caller's transaction.
    static func subject(_ db: Database, accessTokenHash: [UInt8], now: Double) throws -> AuthSubject? {
        // Read the token row fully while its cursor lives, before the user statement runs.
        let tokens = try Row.fetchCursor(db.cachedStatement(sql: AuthStatements.accessToken),
                                         arguments: [Data(accessTokenHash)])
        let token: (userID: String, hash: [UInt8], expiresAt: Double?, revokedAt: Double?)? = try withExtendedLifetime(tokens) {
            try tokens.next().map { row in (row[0], Array(row[1] as Data), row[2], row[3]) }
        }
        guard let token,
              SecretToken.constantTimeEquals(token.hash, accessTokenHash),
              token.revokedAt == nil,
              token.expiresAt.map({ $0 > now }) ?? true
        else { return nil }
        var subject = try AuthStatements.subject(db, AuthStatements.byID, token.userID)
        subject?.credentialExpiresAt = token.expiresAt.map(Date.init(timeIntervalSince1970:))
        return subject
    }
}

/// The SQL of the auth reads. Constant strings, so `cachedStatement(sql:)` prepares each once per
/// connection; the predicates are fixed here, never built from client input.
enum AuthStatements {
    /// The user with its nkeys (a JSON array) and one row per group membership (group columns
    /// NULL when it has none): everything in one statement, hence one snapshot.
    private static let subjectColumns = """
        SELECT u.id, u.user_name, u.external_id, u.display_name, u.active, u.password_hash, u.tags,
               u.jwt_lifetime_seconds, u.version,
               (SELECT json_group_array(public_key) FROM user_nkeys WHERE user_id = u.id),
               g.id, g.display_name, g.external_id
        FROM users u
        LEFT JOIN group_members m ON m.member_id = u.id
        LEFT JOIN groups g ON g.id = m.group_id
        """
    static let byUserNameKey = subjectColumns + "\nWHERE u.user_name_key = ?"
    static let byNKey = subjectColumns + "\nWHERE u.id = (SELECT user_id FROM user_nkeys WHERE public_key = ?)"
    static let byID = subjectColumns + "\nWHERE u.id = ?"
    static let accessToken = "SELECT user_id, token_hash, expires_at, revoked_at FROM access_tokens WHERE token_hash = ?"
    /// The user selected by `userSQL` (one of the `by…` statements) with its nkeys and groups.
    static func subject(_ db: Database, _ userSQL: String, _ argument: String) throws -> AuthSubject? {
        // A cursor's row reads the statement in place: it is valid while the cursor lives (the
        // cursor resets the statement, ending its read transaction, when it goes away).
        let rows = try Row.fetchCursor(db.cachedStatement(sql: userSQL), arguments: [argument])
        return try withExtendedLifetime(rows) { () -> AuthSubject? in
            guard let row = try rows.next() else { return nil }
            var subject = AuthSubject(
                id: row[0], userName: row[1], externalId: row[2], displayName: row[3], active: row[4],
                passwordHash: row[5], nkeys: JSONStringArray.decode(row[9] as String? ?? "[]").sorted(),
                tags: JSONStringArray.decode(row[6] as String? ?? "[]"), jwtLifetimeSeconds: row[7], version: row[8], groups: [])
            var next: Row? = row
            while let current = next {
                if let groupID: String = current[10] {
                    subject.groups.append(GroupRef(id: groupID, displayName: current[11], externalId: current[12]))
                }
                next = try rows.next()
            }
            if subject.groups.count > 1 { subject.groups.sort { $0.displayName < $1.displayName } }
            return subject
        }
    }
}

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
/// unique-index probes, so a decision waits at most for one other lookup on the same
/// connection. Those connections share one cache of results, kept until the next commit to the
/// store (``AuthLookupCache``, checked with `PRAGMA data_version`), so every connect is still
/// decided on the state committed when its request arrived: a lookup given the request's
/// `arrival` skips the check when one has started since (the requests of one socket read share
/// one check); without it, every lookup checks. On an in-memory `DatabaseQueue` (tests, tools) a read
/// waits for a write transaction in progress, which is equally short.
extension IdentityDatabase {
    /// The user `key` names, as of `arrival`, or nil (no such user, or an access token that is
    /// unknown, revoked or expired). One indexed statement (a token lookup: two, in one read
    /// transaction).
    /// - Parameters:
    ///   - key: what the connect presented (a `userName` is matched caselessly).
    ///   - arrival: when the request asking arrived (`DispatchTime`, the monotonic clock
    ///     `NIODeadline` reads too): the answer reflects every commit finished before it, and may
    ///     come from what the store validated since. Nil: every commit finished before the call.
    public func identity(for key: CredentialKey, asOf arrival: DispatchTime? = nil) throws -> Identity? {
        switch key {
        case let .userName(userName):
            let folded = IdentityKey.fold(userName)
            return try readIdentity(.userName(folded), AuthStatements.byUserNameKey, folded, arrival: arrival)
        case let .nkey(publicKey):
            return try readIdentity(key, AuthStatements.byNKey, publicKey, arrival: arrival)
        case let .id(id):
            return try readIdentity(key, AuthStatements.byID, id, arrival: arrival)
        case let .externalID(externalID):
            return try readIdentity(key, AuthStatements.byExternalID, externalID, arrival: arrival)
        case let .email(email):
            let folded = IdentityKey.fold(email)
            return try readIdentity(.email(folded), AuthStatements.byEmailKey, folded, arrival: arrival)
        case let .accessTokenHash(hash):
            let now = timestamp
            if let authReaders {
                return try authReaders.identity(key, now: now, arrival: arrival, transaction: true) { db in
                    try AuthStatements.identity(db, accessTokenHash: hash, now: now)
                }
            }
            return try writer.read { db in try AuthStatements.identity(db, accessTokenHash: hash, now: now) }
        }
    }

    // MARK: Synchronous reads

    // Non-async on purpose: from a non-async function `writer.read`/`unsafeRead` resolve to GRDB's
    // synchronous overloads, which run on this thread (see the type comment). `unsafeRead` only
    // means "no explicit transaction": each of these reads is a single statement.

    /// One single-statement lookup: on the auth readers of a file store (which remember results
    /// until the next commit), else on the writer's own read path (`unsafeRead`: no explicit
    /// transaction, the lone statement is its snapshot). `key` is what the result is remembered
    /// under (a `userName` folded).
    private func readIdentity(_ key: CredentialKey, _ sql: String, _ argument: String,
                              arrival: DispatchTime?) throws -> Identity? {
        if let authReaders {
            return try authReaders.identity(key, now: timestamp, arrival: arrival) { db in
                try AuthStatements.identity(db, sql, argument)
            }
        }
        return try writer.unsafeRead { db in try AuthStatements.identity(db, sql, argument) }
    }
}

extension AuthStatements {
    /// The user holding the valid access token with this hash, read in the caller's transaction.
    static func identity(_ db: Database, accessTokenHash: [UInt8], now: Double) throws -> Identity? {
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
        var identity = try AuthStatements.identity(db, AuthStatements.byID, token.userID)
        identity?.credentialExpiresAt = token.expiresAt.map(Date.init(timeIntervalSince1970:))
        return identity
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
    // An externalId or email that more than one user has names nobody: a token login must not
    // pick one of them.
    static let byExternalID = subjectColumns
        + "\nWHERE u.id = (SELECT CASE WHEN count(*) = 1 THEN min(id) END FROM users WHERE external_id = ?)"
    static let byEmailKey = subjectColumns
        + "\nWHERE u.id = (SELECT CASE WHEN count(DISTINCT user_id) = 1 THEN min(user_id) END FROM user_emails WHERE value_key = ?)"
    static let accessToken = "SELECT user_id, token_hash, expires_at, revoked_at FROM access_tokens WHERE token_hash = ?"
    /// The user selected by `userSQL` (one of the `by…` statements) with its nkeys and groups.
    static func identity(_ db: Database, _ userSQL: String, _ argument: String) throws -> Identity? {
        // A cursor's row reads the statement in place: it is valid while the cursor lives (the
        // cursor resets the statement, ending its read transaction, when it goes away).
        let rows = try Row.fetchCursor(db.cachedStatement(sql: userSQL), arguments: [argument])
        return try withExtendedLifetime(rows) { () -> Identity? in
            guard let row = try rows.next() else { return nil }
            var identity = Identity(
                id: row[0], userName: row[1], externalId: row[2], displayName: row[3], active: row[4],
                passwordHash: row[5], nkeys: JSONStringArray.decode(row[9] as String? ?? "[]").sorted(),
                tags: JSONStringArray.decode(row[6] as String? ?? "[]"), version: row[8], jwtLifetimeSeconds: row[7])
            var next: Row? = row
            while let current = next {
                if let groupID: String = current[10] {
                    identity.groups.append(GroupRef(id: groupID, displayName: current[11], externalId: current[12]))
                }
                next = try rows.next()
            }
            if identity.groups.count > 1 { identity.groups.sort { $0.displayName < $1.displayName } }
            return identity
        }
    }
}

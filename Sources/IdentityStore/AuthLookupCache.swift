/// What an auth lookup asked for: the key its result is remembered under.
enum AuthLookup: Hashable, Sendable {
    case userNameKey(String)
    case nkey(String)
    case id(String)
    case accessTokenHash([UInt8])
}

/// Results of one auth reader connection's lookups, valid only for one `PRAGMA data_version`.
///
/// SQLite changes a connection's `data_version` whenever another connection, in this process or
/// any other (the CLI, a replica sharing the file), commits to the database; the auth readers
/// never write. So a result remembered under the version the connection reports *now* is exactly
/// what reading the rows now would return: the first lookup after any commit finds a different
/// version and empties the cache. Nothing here is ever served across a write, and it cannot go
/// stale by time except for an access token's expiry, which the caller checks on every hit.
struct AuthLookupCache: Sendable {
    /// Results kept at most; beyond that the cache starts over (cheaper than tracking use, and a
    /// store this busy with distinct users reads more than it remembers anyway).
    let capacity: Int
    private var version: Int64?
    /// A nil result (no such user, token or key) is remembered too.
    private var results: [AuthLookup: AuthSubject?] = [:]

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The result remembered for `lookup` if the connection's data version is still `version`;
    /// `.none` when the lookup has to read (and then the cache has forgotten older versions).
    mutating func result(for lookup: AuthLookup, version: Int64) -> AuthSubject?? {
        guard version == self.version else {
            results.removeAll(keepingCapacity: true)
            self.version = version
            return .none
        }
        return results[lookup]
    }

    /// Remembers what a read made at `version` returned.
    mutating func remember(_ result: AuthSubject?, for lookup: AuthLookup, version: Int64) {
        guard version == self.version else { return }
        if results.count >= capacity { results.removeAll(keepingCapacity: true) }
        results[lookup] = .some(result)
    }

    /// Results remembered now (tests).
    var count: Int { results.count }
}

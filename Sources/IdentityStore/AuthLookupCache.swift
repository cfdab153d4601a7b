/// The lookup results of all auth reader connections of one ``AuthReaders``, forgotten at the
/// first sign of a commit on any of them.
///
/// SQLite changes a connection's `PRAGMA data_version` whenever another connection, in this
/// process or any other (the CLI, a replica sharing the file), commits; the readers never write.
/// The values are per connection, so the cache keeps the last one each reader reported, and a
/// reader reporting a different one (or its first) empties the cache and starts a new `epoch`.
///
/// Why no result is served across a commit: a commit changes every reader's version, so the
/// first validation after it, on whichever reader, empties the cache and starts a new epoch (and
/// a reader's own first validation after it does so too). A result that may predate the commit
/// was read after a validation before that clear, so it carries an older epoch and
/// ``remember(_:for:epoch:)`` drops it; results stored before the clear are gone with it. (A hit
/// for a reader whose pragma ran before the commit answers as of before it, as its read would.)
/// Results do not go stale by time except for an access token's expiry, which the caller checks
/// on every hit.
///
/// A lookup for a request that arrived before a validation had started may skip validating:
/// every commit finished before that arrival had finished before the validation started too, so
/// the validation saw it and the cache holds nothing older (``validatedResult(for:arrivedAt:)``).
/// The requests one socket read brings share one validation that way.
struct AuthLookupCache: Sendable {
    /// What ``result(for:reader:version:started:)`` found.
    enum Probe: Equatable, Sendable {
        /// A result read after the last commit any reader has seen (nil: no such user, token or
        /// key).
        case hit(Identity?)
        /// Nothing remembered: read, then ``remember(_:for:epoch:)`` the result with this epoch.
        case miss(epoch: UInt64)
    }

    /// Results kept at most; beyond that the cache starts over (cheaper than tracking use, and a
    /// store this busy with distinct users reads more than it remembers anyway).
    let capacity: Int
    /// The `data_version` each reader last reported, by reader index.
    private var versions: [Int64?]
    /// Counts the clears that a commit caused; a result loaded under an older one is dropped.
    private(set) var epoch: UInt64 = 0
    /// A nil result (no such user, token or key) is remembered too.
    private var results: [CredentialKey: Identity?] = [:]
    /// The latest start (`DispatchTime` uptime nanoseconds) of a validation that has completed:
    /// the cache reflects every commit that finished before it.
    private(set) var validatedSince: UInt64 = 0

    /// - Parameters:
    ///   - capacity: results remembered at most.
    ///   - readers: the connections that validate against this cache (indices `0 ..< readers`).
    init(capacity: Int, readers: Int) {
        self.capacity = max(1, capacity)
        versions = Array(repeating: nil, count: max(1, readers))
    }

    /// Validates the cache against `version`, the `data_version` that reader `reader` reports
    /// now, and looks `key` up: one call per lookup, so one lock round on the hot path.
    /// - Parameter started: when the validation began, before `version` was read (`DispatchTime`
    ///   uptime nanoseconds); nil records nothing for ``validatedResult(for:arrivedAt:)``.
    mutating func result(for key: CredentialKey, reader: Int, version: Int64, started: UInt64? = nil) -> Probe {
        if let started { validatedSince = max(validatedSince, started) }
        guard versions[reader] == version else {
            versions[reader] = version
            results.removeAll(keepingCapacity: true)
            epoch &+= 1
            return .miss(epoch: epoch)
        }
        guard let remembered = results[key] else { return .miss(epoch: epoch) }
        return .hit(remembered)
    }

    /// The remembered result of `key` if a validation started at or after `arrival` (the
    /// request's arrival, `DispatchTime` uptime nanoseconds) has completed; nil: validate and look
    /// up through ``result(for:reader:version:started:)``. `.some(nil)` is a remembered "none".
    func validatedResult(for key: CredentialKey, arrivedAt arrival: UInt64) -> Identity?? {
        guard arrival <= validatedSince else { return nil }
        return results[key]
    }

    /// Remembers what a read returned if no reader has seen a commit since the read's
    /// validation returned `epoch`.
    mutating func remember(_ result: Identity?, for key: CredentialKey, epoch: UInt64) {
        guard epoch == self.epoch else { return }
        if results.count >= capacity { results.removeAll(keepingCapacity: true) }
        results[key] = .some(result)
    }

    /// Results remembered now (tests).
    var count: Int { results.count }
}

/// Limits the argon2id password checks one user name or one source can cause, so a burst of
/// wrong passwords is refused cheaply instead of taking the password-check pool from everyone
/// (docs/security.md, "Password throttling").
///
/// Consulted only for checks that would run argon2id (a password not in the credential cache,
/// or a decoy); cached passwords, nkeys and tokens never reach it. Each user name and each source
/// has a token bucket: a check takes a token and gets it back when the password matches, so only
/// failures use the buckets up, and they refill with time. Failures in a row beyond
/// ``Settings/freeFailures`` also block the user or source for a doubling time, capped at
/// ``Settings/maxBackoff``; a success or ``Settings/forgetAfter`` without a failure ends that.
///
/// No lockout: the user's limits apply only to attempts from sources with failures on record,
/// so an attacker spraying one user cannot keep that user out from a source that has not
/// failed; a source's limits only ever hold back that source. Every refusal ends by itself.
///
/// Pure: no lock and no clock. The shell keeps one under the lock that already counts its
/// waiting decisions and passes the time to every call.
public struct PasswordThrottle: Sendable {
    /// Which limit refused a check.
    public enum Scope: String, Sendable, CaseIterable {
        case user
        case source
    }

    /// The answer to ``admit(_:now:)``.
    public enum Verdict: Sendable, Equatable {
        /// Run the check; hand the ticket back to ``finish(_:_:now:)`` (or ``cancel(_:now:)``).
        case admitted(Ticket)
        /// Refused without a check, by this scope's limit; `retryAfter` when it is known.
        case throttled(Scope, retryAfter: Duration?)
    }

    /// What an admitted check holds until it finishes.
    public struct Ticket: Sendable, Equatable {
        public let key: Key
        /// Whether the user's limits were applied (and a token taken from its bucket).
        let chargedUser: Bool
    }

    /// How an admitted check ended, for the limits.
    public enum Outcome: Sendable, Equatable {
        /// The user's own password matched.
        case success
        /// It did not, or the name has no usable password (a decoy check).
        case failure
        /// No answer (the pool was full, the check timed out): neither counts.
        case undecided
    }

    public let settings: Settings
    private var users: [String: Bucket] = [:]
    private var sources: [String: Bucket] = [:]

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Users and sources remembered now (for tests and metrics).
    public var count: (users: Int, sources: Int) { (users.count, sources.count) }

    /// Decides whether a check for `key` may run now, and if so counts it as waiting.
    public mutating func admit(_ key: Key, now: ContinuousClock.Instant) -> Verdict {
        var source = bucket(.source, key.source, now: now)
        defer { store(.source, key.source, source, now: now) }
        if let refusal = source.refusal(now: now, perMinute: settings.sourcePerMinute, maxWaiting: settings.sourceMaxWaiting) {
            return .throttled(.source, retryAfter: refusal.retryAfter)
        }
        var user = bucket(.user, key.user, now: now)
        defer { store(.user, key.user, user, now: now) }
        // A source that has not failed is not held to the user's failures: spraying a user
        // from elsewhere must not keep the user out.
        let chargedUser = source.failures > 0
        if chargedUser, let refusal = user.refusal(now: now, perMinute: settings.userPerMinute, maxWaiting: settings.userMaxWaiting) {
            return .throttled(.user, retryAfter: refusal.retryAfter)
        }
        // The share of the pool is bounded for every source, a clean one too.
        if !chargedUser, user.waiting >= settings.userMaxWaiting { return .throttled(.user, retryAfter: nil) }
        source.tokens -= 1
        source.waiting += 1
        if chargedUser { user.tokens -= 1 }
        user.waiting += 1
        return .admitted(Ticket(key: key, chargedUser: chargedUser))
    }

    /// The admitted check `ticket` ended with `outcome`.
    public mutating func finish(_ ticket: Ticket, _ outcome: Outcome, now: ContinuousClock.Instant) {
        let settings = self.settings
        release(ticket, now: now) { bucket, scope in
            switch outcome {
            case .success:
                if scope == .source || ticket.chargedUser { bucket.tokens = min(Double(settings.burst(scope)), bucket.tokens + 1) }
                bucket.failures = 0
                bucket.lastFailure = nil
                bucket.blockedUntil = nil
            case .failure:
                bucket.failures += 1
                bucket.lastFailure = now
                let backoff = settings.backoff(afterFailures: bucket.failures)
                if backoff > .zero { bucket.blockedUntil = now + backoff }
            case .undecided:
                break
            }
        }
    }

    /// The admitted check `ticket` never ran (shed after admission): as if never admitted.
    public mutating func cancel(_ ticket: Ticket, now: ContinuousClock.Instant) {
        let settings = self.settings
        release(ticket, now: now) { bucket, scope in
            if scope == .source || ticket.chargedUser { bucket.tokens = min(Double(settings.burst(scope)), bucket.tokens + 1) }
        }
    }

    // MARK: Tables

    private mutating func release(_ ticket: Ticket, now: ContinuousClock.Instant,
                                  _ change: (inout Bucket, Scope) -> Void) {
        for (scope, name) in [(Scope.source, ticket.key.source), (.user, ticket.key.user)] {
            // Forgotten meanwhile (only possible past `capacity`): nothing left to release.
            guard let existing = scope == .user ? users[name] : sources[name] else { continue }
            var bucket = existing
            bucket.update(now: now, burst: settings.burst(scope), perMinute: settings.perMinute(scope),
                          forgetAfter: settings.forgetAfter)
            bucket.waiting = max(0, bucket.waiting - 1)
            change(&bucket, scope)
            store(scope, name, bucket, now: now)
        }
    }

    private func bucket(_ scope: Scope, _ name: String, now: ContinuousClock.Instant) -> Bucket {
        guard var bucket = scope == .user ? users[name] : sources[name] else {
            return Bucket(full: settings.burst(scope), at: now)
        }
        bucket.update(now: now, burst: settings.burst(scope), perMinute: settings.perMinute(scope), forgetAfter: settings.forgetAfter)
        return bucket
    }

    /// Keeps `bucket` unless it is idle (a fresh one would say the same), within `capacity`.
    private mutating func store(_ scope: Scope, _ name: String, _ bucket: Bucket, now: ContinuousClock.Instant) {
        let idle = bucket.isIdle(burst: settings.burst(scope))
        switch scope {
        case .user: users[name] = idle ? nil : bucket
        case .source: sources[name] = idle ? nil : bucket
        }
        if !idle, (scope == .user ? users.count : sources.count) > settings.capacity { prune(scope, now: now) }
    }

    /// Over capacity: forgets idle entries, then the least recently used half (never one with a
    /// check waiting, which must still be released).
    private mutating func prune(_ scope: Scope, now: ContinuousClock.Instant) {
        let burst = settings.burst(scope), perMinute = settings.perMinute(scope), forgetAfter = settings.forgetAfter
        func pruned(_ table: [String: Bucket]) -> [String: Bucket] {
            var kept = table.compactMapValues { bucket -> Bucket? in
                var bucket = bucket
                bucket.update(now: now, burst: burst, perMinute: perMinute, forgetAfter: forgetAfter)
                return bucket.isIdle(burst: burst) ? nil : bucket
            }
            guard kept.count > settings.capacity / 2 else { return kept }
            let byAge = kept.filter { $0.value.waiting == 0 }.sorted { $0.value.refilled < $1.value.refilled }
            for (name, _) in byAge.prefix(kept.count - settings.capacity / 2) { kept[name] = nil }
            return kept
        }
        switch scope {
        case .user: users = pruned(users)
        case .source: sources = pruned(sources)
        }
    }
}

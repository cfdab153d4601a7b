import IdentityStore

extension PasswordThrottle {
    /// One user's or one source's state: a token bucket, its failures in a row and the block
    /// they earned, and its checks waiting now.
    struct Bucket: Sendable, Equatable {
        /// Tokens left (fractional while refilling); a check needs one.
        var tokens: Double
        /// When `tokens` was last brought up to date (also: when this bucket was last used).
        var refilled: ContinuousClock.Instant
        /// Failed checks in a row (a success resets them; `forgetAfter` without one too).
        var failures = 0
        var lastFailure: ContinuousClock.Instant?
        /// Refused until then.
        var blockedUntil: ContinuousClock.Instant?
        /// Checks admitted and not finished yet.
        var waiting = 0

        init(full burst: Int, at now: ContinuousClock.Instant) {
            tokens = Double(burst)
            refilled = now
        }

        /// Refills for the time since the last update, forgets old failures and ended blocks.
        mutating func update(now: ContinuousClock.Instant, burst: Int, perMinute: Int, forgetAfter: Duration) {
            if now > refilled {
                tokens = min(Double(burst), tokens + refilled.duration(to: now).timeInterval * Double(perMinute) / 60)
                refilled = now
            }
            if let lastFailure, lastFailure.duration(to: now) >= forgetAfter {
                failures = 0
                self.lastFailure = nil
            }
            if let blockedUntil, blockedUntil <= now { self.blockedUntil = nil }
        }

        /// Why a check is refused now (after ``update(now:burst:perMinute:forgetAfter:)``), or
        /// nil; with when a retry could pass, when that is known.
        func refusal(now: ContinuousClock.Instant, perMinute: Int, maxWaiting: Int) -> Refusal? {
            if let blockedUntil, now < blockedUntil { return Refusal(retryAfter: now.duration(to: blockedUntil)) }
            if tokens < 1 {
                return Refusal(retryAfter: .seconds((1 - tokens) * 60 / Double(perMinute)))
            }
            if waiting >= maxWaiting { return Refusal(retryAfter: nil) }
            return nil
        }

        /// Nothing here would change a verdict: it can be forgotten.
        func isIdle(burst: Int) -> Bool {
            waiting == 0 && failures == 0 && blockedUntil == nil && tokens >= Double(burst)
        }

        struct Refusal: Equatable {
            var retryAfter: Duration?
        }
    }
}

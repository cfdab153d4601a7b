extension CalloutService {
    /// Who may wait for an argon2id check: the decisions waiting, and the throttle's state.
    /// One lock for both, taken once per waiting decision on admission and once when it ends.
    /// The throttle is asked first, so a refused attacker takes neither a place nor a token; a
    /// check admitted by the throttle but finding no place gives its token back.
    struct Admission: Sendable {
        var inFlight = 0
        var throttle: PasswordThrottle?

        enum Verdict: Equatable {
            case admitted(PasswordThrottle.Ticket?)
            case throttled(PasswordThrottle.Scope, retryAfter: Duration?)
            case overloaded
        }

        /// `key` nil: the decision waits for no argon2id check (a token issuer's keys), so only
        /// the places count.
        mutating func admit(_ key: PasswordThrottle.Key?, maxInFlight: Int, now: ContinuousClock.Instant) -> Verdict {
            var ticket: PasswordThrottle.Ticket?
            switch key.flatMap({ throttle?.admit($0, now: now) }) {
            case let .throttled(scope, retryAfter): return .throttled(scope, retryAfter: retryAfter)
            case let .admitted(admitted): ticket = admitted
            case nil: break
            }
            guard inFlight < maxInFlight else {
                if let ticket { throttle?.cancel(ticket, now: now) }
                return .overloaded
            }
            inFlight += 1
            return .admitted(ticket)
        }

        mutating func finish(_ ticket: PasswordThrottle.Ticket?, _ outcome: PasswordThrottle.Outcome, now: ContinuousClock.Instant) {
            inFlight -= 1
            if let ticket { throttle?.finish(ticket, outcome, now: now) }
        }
    }
}

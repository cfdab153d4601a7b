extension PasswordThrottle {
    /// The limits (`callout.throttle.*`); the defaults are meant to be kept.
    public struct Settings: Sendable, Equatable {
        /// Failed checks a source may make in a burst before its refill rate applies.
        public var sourceBurst: Int
        /// Tokens a source's bucket gets back per minute.
        public var sourcePerMinute: Int
        /// Failed checks against one user name, from sources that have failed before, in a burst.
        public var userBurst: Int
        /// Tokens a user's bucket gets back per minute.
        public var userPerMinute: Int
        /// Failures in a row a user or source may have before each further one blocks it for a
        /// doubling time (1 s, 2 s, 4 s, …).
        public var freeFailures: Int
        /// The longest one block lasts.
        public var maxBackoff: Duration
        /// A user's or source's failures are forgotten after this long without a new one.
        public var forgetAfter: Duration
        /// Checks one user name may have waiting or running at once: its share of the pool.
        public var userMaxWaiting: Int
        /// Checks one source may have waiting or running at once (larger: many clients may share
        /// an address behind NAT).
        public var sourceMaxWaiting: Int
        /// Users (and, separately, sources) remembered at once; past it the idle ones, then the
        /// least recently seen, are forgotten.
        public var capacity: Int

        public init(sourceBurst: Int = 30, sourcePerMinute: Int = 120, userBurst: Int = 10, userPerMinute: Int = 10,
                    freeFailures: Int = 5, maxBackoff: Duration = .seconds(60), forgetAfter: Duration = .seconds(15 * 60),
                    userMaxWaiting: Int = 4, sourceMaxWaiting: Int = 16, capacity: Int = 10_000) {
            self.sourceBurst = max(1, sourceBurst)
            self.sourcePerMinute = max(1, sourcePerMinute)
            self.userBurst = max(1, userBurst)
            self.userPerMinute = max(1, userPerMinute)
            self.freeFailures = max(0, freeFailures)
            self.maxBackoff = max(.seconds(1), maxBackoff)
            self.forgetAfter = max(.seconds(1), forgetAfter)
            self.userMaxWaiting = max(1, userMaxWaiting)
            self.sourceMaxWaiting = max(1, sourceMaxWaiting)
            self.capacity = max(1, capacity)
        }

        /// The first block, doubled for each further failure in a row.
        static let firstBackoff = Duration.seconds(1)

        func burst(_ scope: Scope) -> Int { scope == .user ? userBurst : sourceBurst }
        func perMinute(_ scope: Scope) -> Int { scope == .user ? userPerMinute : sourcePerMinute }

        /// How long the `failures`-th failure in a row blocks (zero within `freeFailures`).
        func backoff(afterFailures failures: Int) -> Duration {
            let beyond = failures - freeFailures
            guard beyond > 0 else { return .zero }
            // 2^20 s is far past any sensible maxBackoff: stop doubling before it can overflow.
            let doubled = Settings.firstBackoff * (1 << min(beyond - 1, 20))
            return min(doubled, maxBackoff)
        }
    }
}

/// The wait between reconnect rounds: exponential from `baseWait`, capped at `maxWait`, plus a
/// random share of `jitter` so that many clients of a restarted server don't return in step.
struct ReconnectBackoff: Sendable {
    var baseWait: Duration
    var maxWait: Duration
    var jitter: Duration

    init(_ reconnect: NATSConfiguration.Reconnect) {
        self.baseWait = reconnect.baseWait
        self.maxWait = reconnect.maxWait
        self.jitter = reconnect.jitter
    }

    /// - Parameters:
    ///   - round: 0 for the wait after the first failed round.
    ///   - randomFraction: a value in `0...1` (injected so tests are deterministic).
    func delay(afterRound round: Int, randomFraction: Double) -> Duration {
        var wait = baseWait
        for _ in 0..<min(max(round, 0), 32) {
            wait *= 2
            if wait >= maxWait { break }
        }
        let capped = min(wait, maxWait)
        return capped + jitter * min(max(randomFraction, 0), 1)
    }
}

/// When and how long ``JetStreamContext/publish(_:to:options:headers:retry:clock:)`` retries a
/// publish that got no ack, as happens in a cluster while a stream elects a new leader.
///
/// While a stream has no leader nobody subscribes to its subjects, so a publish gets status
/// 503 (``JetStreamError/Code/noResponders``): nothing was stored and retrying is always safe.
/// A publish that timed out may have been stored, so it is retried only when it carries a
/// `Nats-Msg-Id`: the stream's duplicate window turns the retry into an ack of the stored copy.
/// The same holds for a 503 API error (JetStream temporarily unavailable, no quorum) and for
/// `duplicateInProcess`. Every other error is final.
public struct PublishRetry: Hashable, Sendable {
    /// The total time, from the first attempt, after which no new attempt starts.
    public var deadline: Duration
    /// The wait after the first failure; it doubles per failure up to ``maxWait``.
    public var initialWait: Duration
    public var maxWait: Duration

    /// One attempt only: the error of the first failure is thrown.
    public static let none = PublishRetry(deadline: .zero)

    public init(deadline: Duration, initialWait: Duration = .milliseconds(25), maxWait: Duration = .milliseconds(500)) {
        self.deadline = deadline
        self.initialWait = initialWait
        self.maxWait = maxWait
    }

    /// The wait before the next attempt, or nil to give up and throw `error`.
    /// - Parameters:
    ///   - error: what the attempt that just failed threw.
    ///   - failures: how many attempts have failed so far (1 after the first).
    ///   - elapsed: the time since the first attempt started.
    ///   - hasMessageID: whether the publish carries `Nats-Msg-Id` (makes a timed-out retry safe).
    public func wait(after error: JetStreamError, failures: Int, elapsed: Duration, hasMessageID: Bool) -> Duration? {
        guard Self.isRetryable(error, hasMessageID: hasMessageID), failures >= 1 else { return nil }
        var wait = initialWait
        for _ in 1..<min(failures, 32) where wait < maxWait { wait = wait * 2 }
        wait = min(wait, maxWait)
        guard elapsed + wait < deadline else { return nil }
        return wait
    }

    /// Whether repeating the publish cannot store it twice and may succeed.
    public static func isRetryable(_ error: JetStreamError, hasMessageID: Bool) -> Bool {
        switch error.code {
        case .noResponders: true
        case .timeout, .duplicateInProcess: hasMessageID
        case .apiError: hasMessageID && error.apiError?.code == 503
        default: false
        }
    }
}

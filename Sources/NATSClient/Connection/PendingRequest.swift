import NIOCore

/// A request waiting for its reply in ``ClientStateMachine``.
struct PendingRequest: Sendable {
    /// Completed with the reply or failed (timeout, no responders, cancellation, close).
    var reply: EventLoopPromise<NATSMessage>
    /// Named in the timeout error.
    var subject: String
    var timeout: Duration
}

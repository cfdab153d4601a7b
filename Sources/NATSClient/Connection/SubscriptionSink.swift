import NIOCore

/// Where one subscription's messages go.
enum SubscriptionSink: Sendable {
    /// Into an `AsyncStream` read by a task (``NATSSubscription``), within the pending limits.
    case stream(AsyncStream<NATSMessage>.Continuation, PendingCounter)
    /// Straight into a handler on the event loop (``NATSHandlerSubscription``); `ended` completes
    /// when the subscription ends.
    case handler(NATSConnection.MessageHandler, ended: EventLoopPromise<Void>)

    /// No more messages will come.
    func finish() {
        switch self {
        case .stream(let continuation, _): continuation.finish()
        case .handler(_, let ended): ended.succeed()
        }
    }
}

import Synchronization

/// The hand-off between a writer and the apply loop for one command: registered before the
/// publish, so an apply that comes before the PubAck is kept until the writer asks.
final class ApplyWaiter: Sendable {
    private enum State {
        case waiting(CheckedContinuation<ReplicationOutcome, any Error>?)
        case done(Result<ReplicationOutcome, any Error>)
    }

    private let state = Mutex(State.waiting(nil))

    /// Delivers the result (the first one wins).
    func resolve(_ result: Result<ReplicationOutcome, any Error>) {
        let continuation: CheckedContinuation<ReplicationOutcome, any Error>? = state.withLock { state in
            guard case .waiting(let continuation) = state else { return nil }
            state = .done(result)
            return continuation
        }
        continuation?.resume(with: result)
    }

    /// The outcome; cancellation ends the wait with `CancellationError`.
    func outcome() async throws -> ReplicationOutcome {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ReplicationOutcome, any Error>) in
                let ready: Result<ReplicationOutcome, any Error>? = state.withLock { state in
                    switch state {
                    case .done(let result): return result
                    case .waiting: state = .waiting(continuation); return nil
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            resolve(.failure(CancellationError()))
        }
    }
}

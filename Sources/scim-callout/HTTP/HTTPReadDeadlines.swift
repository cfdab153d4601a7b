import NIOCore

/// When a connection's request head and body must have arrived: a pure state machine that
/// ``HTTPReadTimeoutHandler`` feeds with what it sees and whose actions it runs.
///
/// The head of a connection's first request must be complete within `header` of the connect;
/// a later head within `header` of its first byte (between requests Hummingbird's idle timeout
/// applies). A body must be complete within `body` of its head. A client sending one byte at a
/// time therefore cannot hold a connection longer than these, whatever its pace. While the
/// service answers, no deadline runs: that time is ours, not the client's.
struct HTTPReadDeadlines: Sendable {
    /// Which part of a request was late.
    enum Phase: String, Sendable, Equatable {
        case header
        case body
    }

    /// What the handler does next about its one timer.
    enum Action: Sendable, Equatable {
        /// Run the timer to this deadline (replacing any running one).
        case schedule(NIODeadline)
        /// Stop the timer.
        case cancel
        /// Leave the timer as it is.
        case none
    }

    /// What the handler does when its timer fires.
    enum TimerAction: Sendable, Equatable {
        /// The client was too slow with this part: close the connection.
        case close(Phase)
        /// Nothing is late (the deadline moved or no longer applies).
        case none
    }

    private enum State: Sendable, Equatable {
        /// Waiting for a head that must be complete by `deadline`.
        case awaitingHead(NIODeadline)
        /// Reading a body that must be complete by `deadline`.
        case readingBody(NIODeadline)
        /// The request is read and the service is answering it.
        case responding
        /// Between requests: no bytes of a next request yet.
        case idle
        case closed
    }

    let header: TimeAmount
    let body: TimeAmount
    private var state: State = .idle

    init(header: TimeAmount, body: TimeAmount) {
        self.header = header
        self.body = body
    }

    /// The connection is open: the first head's deadline starts now.
    mutating func connected(now: NIODeadline) -> Action {
        guard case .idle = state else { return .none }
        return awaitHead(by: now + header)
    }

    /// Bytes arrived (a socket read completed, whether or not it finished a part).
    mutating func bytesArrived(now: NIODeadline) -> Action {
        guard case .idle = state else { return .none }
        return awaitHead(by: now + header)
    }

    /// A complete head was decoded: the body's deadline starts now.
    mutating func headReceived(now: NIODeadline) -> Action {
        switch state {
        case .awaitingHead, .idle:
            let deadline = now + body
            state = .readingBody(deadline)
            return .schedule(deadline)
        case .readingBody, .responding, .closed:
            return .none
        }
    }

    /// The request's end was decoded: the service answers, with no deadline on the client.
    mutating func endReceived() -> Action {
        guard case .readingBody = state else { return .none }
        state = .responding
        return .cancel
    }

    /// The response's end was written: the connection waits for a next request.
    mutating func responseEnded() -> Action {
        guard case .responding = state else { return .none }
        state = .idle
        return .none
    }

    /// The timer fired at `now`.
    mutating func timerFired(now: NIODeadline) -> TimerAction {
        switch state {
        case .awaitingHead(let deadline) where now >= deadline:
            state = .closed
            return .close(.header)
        case .readingBody(let deadline) where now >= deadline:
            state = .closed
            return .close(.body)
        default:
            return .none
        }
    }

    private mutating func awaitHead(by deadline: NIODeadline) -> Action {
        state = .awaitingHead(deadline)
        return .schedule(deadline)
    }
}

import JetStream
import TestSupport

extension OrderedConsumer {
    /// The next `count` messages, failing after `timeout` (a deadline, not a wait).
    func take(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [JetStreamMessage] {
        try await first(count, within: timeout, what: "\(count) ordered-consumer messages")
    }
}

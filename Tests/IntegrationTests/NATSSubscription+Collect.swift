import NATSClient
import TestSupport

extension NATSSubscription {
    /// The next `count` messages, failing after `timeout` (a deadline, not a wait).
    func collect(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [NATSMessage] {
        try await first(count, within: timeout, what: "\(count) messages")
    }
}

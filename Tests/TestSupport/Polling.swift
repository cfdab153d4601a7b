import Foundation

/// Polls `condition` until it returns a value or the deadline passes.
///
/// Tests wait for readiness this way instead of sleeping a fixed time: the wait ends as soon as
/// the condition holds, and a condition that never holds fails with a clear message.
public func poll<T: Sendable>(
    _ what: String,
    timeout: Duration = .seconds(10),
    interval: Duration = .milliseconds(10),
    _ condition: @Sendable () async throws -> T?
) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if let value = try await condition() { return value }
        if clock.now >= deadline {
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            throw TestSupportError.timedOut(what: what, seconds: seconds)
        }
        try await Task.sleep(for: interval)
    }
}

/// Polls until `condition` is true or the deadline passes.
public func pollUntil(
    _ what: String,
    timeout: Duration = .seconds(10),
    interval: Duration = .milliseconds(10),
    _ condition: @Sendable () async throws -> Bool
) async throws {
    _ = try await poll(what, timeout: timeout, interval: interval) { try await condition() ? true : nil }
}

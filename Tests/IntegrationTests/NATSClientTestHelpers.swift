import Logging
import NATSClient
import NIOConcurrencyHelpers
import NIOCore
import TestSupport

enum NATSClientTestHelpers {
    static let logger = Logger(label: "nats-client-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Connects our client to `server` with short reconnect waits and a long connect timeout.
    static func connect(
        _ server: NATSServerProcess,
        configure: (inout NATSConfiguration) -> Void = { _ in }
    ) async throws -> NATSConnection {
        var configuration = NATSConfiguration(servers: [server.url], connectTimeout: .seconds(10))
        configuration.reconnect.baseWait = .milliseconds(50)
        configuration.reconnect.maxWait = .milliseconds(500)
        configuration.reconnect.jitter = .milliseconds(20)
        configure(&configuration)
        return try await NATSConnection.connect(configuration, logger: logger)
    }
}

struct CollectTimedOut: Error, CustomStringConvertible {
    var wanted: Int
    var description: String { "timed out waiting for \(wanted) messages" }
}

extension NATSSubscription {
    /// The next `count` messages, failing after `timeout` (a deadline, not a wait).
    func collect(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [NATSMessage] {
        try await withThrowingTaskGroup(of: [NATSMessage]?.self) { group in
            group.addTask {
                var messages: [NATSMessage] = []
                guard count > 0 else { return messages }
                for await message in self {
                    messages.append(message)
                    if messages.count == count { break }
                }
                return messages
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let messages = first, messages.count == count else {
                throw CollectTimedOut(wanted: count)
            }
            return messages
        }
    }
}

/// Records a connection's events so tests can wait for one.
final class EventRecorder: Sendable {
    let events = NIOLockedValueBox<[NATSConnectionEvent]>([])
    private let task: Task<Void, Never>

    init(_ connection: NATSConnection) {
        let events = self.events
        task = Task {
            for await event in connection.events { events.withLockedValue { $0.append(event) } }
        }
    }

    var all: [NATSConnectionEvent] { events.withLockedValue { $0 } }

    func waitFor(_ what: String, timeout: Duration = .seconds(15), _ matches: @escaping @Sendable (NATSConnectionEvent) -> Bool) async throws {
        let events = self.events
        try await pollUntil(what, timeout: timeout) { events.withLockedValue { $0.contains(where: matches) } }
    }

    deinit { task.cancel() }
}

import JetStream
import Logging
import NATSClient
import TestSupport

/// A real nats-server with JetStream (its own store directory, ephemeral port) and our client.
struct JetStreamTestServer {
    static let logger = Logger(label: "jetstream-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    let server: NATSServerProcess
    let nats: NATSConnection
    let js: JetStreamContext

    static func start() async throws -> JetStreamTestServer {
        let server = try await NATSServerProcess.start(jetStream: true, label: "js")
        var configuration = NATSConfiguration(servers: [server.url], connectTimeout: .seconds(10))
        configuration.reconnect.baseWait = .milliseconds(50)
        configuration.reconnect.maxWait = .milliseconds(500)
        let nats = try await NATSConnection.connect(configuration, logger: logger)
        return JetStreamTestServer(server: server, nats: nats, js: JetStreamContext(connection: nats, timeout: .seconds(10)))
    }

    func stop() async throws {
        await nats.close()
        try await server.stop()
    }
}

struct NextTimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

extension OrderedConsumer {
    /// The next `count` messages, failing after `timeout` (a deadline, not a wait).
    func take(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [JetStreamMessage] {
        try await withThrowingTaskGroup(of: [JetStreamMessage]?.self) { group in
            group.addTask {
                var messages: [JetStreamMessage] = []
                var iterator = self.makeAsyncIterator()
                while messages.count < count, let message = try await iterator.next() { messages.append(message) }
                return messages
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let messages = first, messages.count == count else {
                throw NextTimedOut(what: "\(count) ordered-consumer messages")
            }
            return messages
        }
    }
}

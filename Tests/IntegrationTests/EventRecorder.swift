import NATSClient
import NIOConcurrencyHelpers
import TestSupport

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

import Foundation
import IdentityStore
import JetStream
import Logging
import NATSClient
import TestSupport

/// One replica for the real-server tests: its own SQLite file, its own NATS connection, a
/// ``ReplicatedIdentityStore`` whose apply loop runs in the caller's task group.
struct ReplicaFixture: Sendable {
    let store: ReplicatedIdentityStore
    let nats: NATSConnection
    let path: String

    var database: IdentityDatabase { store.database }

    static func open(
        id: String, path: String, serverURLs: [String], stream: String = "SCIM_CALLOUT", replicas: Int = 1,
        applyTimeout: Duration = .seconds(10)
    ) async throws -> ReplicaFixture {
        var configuration = NATSConfiguration(servers: serverURLs, connectTimeout: .seconds(10))
        configuration.reconnect.baseWait = .milliseconds(50)
        configuration.reconnect.maxWait = .milliseconds(500)
        let nats = try await NATSConnection.connect(configuration, logger: quietLogger)
        let database = try IdentityDatabase.open(path: path, logger: quietLogger)
        let settings = ReplicationSettings(replicaID: id, stream: stream, replicas: replicas, applyTimeout: applyTimeout)
        let store = ReplicatedIdentityStore(
            database: database, jetStream: JetStreamContext(connection: nats, timeout: .seconds(10)),
            settings: settings, logger: quietLogger)
        try await store.prepareStream()
        return ReplicaFixture(store: store, nats: nats, path: path)
    }

    /// Waits until the apply loop reads the stream.
    func waitUntilApplying() async throws {
        try await pollUntil("replica \(store.settings.replicaID) applying") { store.health.isApplying }
    }

    /// Waits until this replica applied at least `sequence`.
    func waitUntilApplied(_ sequence: UInt64) async throws {
        try await pollUntil("replica \(store.settings.replicaID) at \(sequence)") { store.appliedSequence >= sequence }
    }

    func close() async {
        await nats.close()
    }
}

/// Runs `body` with replicas `ids` (files in a fresh folder) on `server`, their apply loops
/// running until `body` returns.
func withReplicas<T: Sendable>(
    _ ids: [String], on server: NATSServerProcess, folder: URL? = nil,
    _ body: @escaping @Sendable ([ReplicaFixture]) async throws -> T
) async throws -> T {
    try await withReplicas(ids, urls: [server.url], folder: folder, body)
}

/// Runs `body` with replicas on the servers at `urls` (a cluster: `replicas` > 1).
func withReplicas<T: Sendable>(
    _ ids: [String], urls: [String], replicas count: Int = 1, folder: URL? = nil,
    _ body: @escaping @Sendable ([ReplicaFixture]) async throws -> T
) async throws -> T {
    let folder = try folder ?? TestEnvironment.temporaryDirectory("replicas")
    var replicas: [ReplicaFixture] = []
    for id in ids {
        replicas.append(try await ReplicaFixture.open(
            id: id, path: folder.appendingPathComponent("\(id).sqlite").path, serverURLs: urls, replicas: count))
    }
    let opened = replicas
    let result = try await withThrowingTaskGroup(of: T?.self) { group in
        for replica in opened {
            group.addTask {
                // A stopped loop shows in `health`; the test asserts on that.
                try? await replica.store.run()
                return nil
            }
        }
        group.addTask {
            for replica in opened { try await replica.waitUntilApplying() }
            return try await body(opened)
        }
        defer { group.cancelAll() }
        while let next = try await group.next() {
            if let value = next { return value }
        }
        throw TestSupportError.timedOut(what: "replica body", seconds: 0)
    }
    for replica in opened { await replica.close() }
    return result
}

import Foundation
import JetStream
import Logging
import NATSClient
import Snapshots
import Testing
import TestSupport

/// Replicas started together open the snapshot bucket at the same moment, each through another
/// node. Before `SnapshotStore.open` waited for the new stream to answer, about one open in 240
/// failed here (a `STREAM.INFO` left unanswered while the stream elected its leader).
@Suite("Snapshots on a 3-node cluster", .serialized)
struct SnapshotClusterTests {
    static let rounds = 30

    @Test func replicasOpeningAFreshBucketAtOnceAllSeeIt() async throws {
        let cluster = try await NATSCluster.start(label: "snapshot-cluster")
        var connections: [NATSConnection] = []
        for url in cluster.urls {
            connections.append(try await NATSConnection.connect(
                NATSConfiguration(servers: [url], connectTimeout: .seconds(10)), logger: SnapshotFixture.logger))
        }
        var failures: [String] = []
        for round in 0..<Self.rounds {
            let stream = "ROUND\(round)"
            let outcomes = await withTaskGroup(of: String?.self) { group in
                for (index, connection) in connections.enumerated() {
                    group.addTask {
                        do {
                            let store = try await SnapshotStore.open(
                                js: JetStreamContext(connection: connection, timeout: .seconds(2)),
                                settings: SnapshotSettings(stream: stream, replica: "r\(index)", keep: 3, replicas: 3),
                                logger: SnapshotFixture.logger)
                            _ = try await store.newest()
                            return nil
                        } catch {
                            return "round \(round) replica \(index): \(error)"
                        }
                    }
                }
                var failed: [String] = []
                for await outcome in group { if let outcome { failed.append(outcome) } }
                return failed
            }
            failures += outcomes
        }
        for connection in connections { await connection.close() }
        try await cluster.stop()
        #expect(failures.isEmpty, "\(failures.count) of \(3 * Self.rounds) opens failed: \(failures.prefix(3))")
    }
}

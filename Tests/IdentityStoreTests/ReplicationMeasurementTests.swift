import Foundation
import Testing
import TestSupport
@testable import IdentityStore

/// Replicated creates/s and own-apply latency through ``ReplicatedIdentityStore`` (two replicas,
/// one writing), on one JetStream server (R1) and on a 3-node cluster (R3). A measurement, not a
/// gate: it runs only with `SCIM_CALLOUT_MEASURE_REPLICATION=1` and prints its figures
/// (docs/benchmarks.md, "Replicated writes").
@Suite("Replicated write measurement", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["SCIM_CALLOUT_MEASURE_REPLICATION"] == "1"))
struct ReplicationMeasurementTests {
    static let sequentialWrites = 300
    static let concurrentWrites = 2_000
    static let writers = 32

    @Test func oneJetStreamServer() async throws {
        let server = try await NATSServerProcess.start(jetStream: true, label: "measure")
        try await withReplicas(["a", "b"], urls: [server.url], replicas: 1) { replicas in
            try await Self.measure(replicas, label: "1 server, R1")
        }
        try await server.stop()
    }

    @Test func threeNodeCluster() async throws {
        let cluster = try await NATSCluster.start(label: "measure-cluster")
        do {
            try await withReplicas(["a", "b"], urls: cluster.urls, replicas: 3) { replicas in
                try await Self.measure(replicas, label: "3-node cluster, R3")
            }
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }

    static func measure(_ replicas: [ReplicaFixture], label: String) async throws {
        let writer = replicas[0].store
        let clock = ContinuousClock()
        var latencies: [Duration] = []
        for i in 0..<sequentialWrites {
            let start = clock.now
            _ = try await writer.createUser(userInput("seq\(i)"), passwordHash: nil, author: .local("measure"))
            latencies.append(clock.now - start)
        }
        latencies.sort()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for i in stride(from: w, to: concurrentWrites, by: writers) {
                        _ = try await writer.createUser(userInput("con\(i)"), passwordHash: nil, author: .local("measure"))
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        func ms(_ d: Duration) -> String {
            String(format: "%.2f ms", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
        }
        print("""
            replicated writes (\(label)): \(String(format: "%.0f", Double(concurrentWrites) / seconds)) creates/s \
            with \(writers) concurrent writers; own-apply latency one at a time: \
            p50 \(ms(latencies[latencies.count / 2])), p99 \(ms(latencies[latencies.count * 99 / 100])), \
            max \(ms(latencies[latencies.count - 1]))
            """)
        let total = UInt64(sequentialWrites + concurrentWrites)
        try await replicas[1].waitUntilApplied(total)
        #expect(try await replicas[0].database.userCount() == sequentialWrites + concurrentWrites)
        #expect(try await replicas[0].database.identityDigest() == replicas[1].database.identityDigest())
    }
}

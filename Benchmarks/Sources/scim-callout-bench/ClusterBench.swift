import Foundation
import JetStream
import Logging
import NATSClient
import NIOCore
import NKeys
import TestSupport

/// The replication substrate on a 3-node loopback JetStream cluster (``NATSCluster``, the
/// callout tests' accounts with JetStream for AUTH): acknowledged publishes to an R3 file stream,
/// one at a time and 32 in flight, their ack latency, and the failover gap when the node holding
/// the stream leader is killed (`kill -9`).
///
/// Call from `BenchMain`: `report.add(suite: "Replication cluster", results: try await ClusterBench.run(), note: ClusterBench.note)`.
enum ClusterBench {
    static let note = """
        How to read these figures (issue 15): three nats-server processes on this host, routes on loopback, an R3
        file stream (`SCIM_CALLOUT`-like: one subject, 120 s duplicate window), our `JetStream` client as the
        replicas use it. *acked publish* waits for the PubAck, which the leader sends once a majority stored the
        message. *failover gap* is, per trial, the time from `kill -9` of the stream leader's node to the next
        acknowledged publish (publishing one at a time, retried with `PublishRetry` and the same `Nats-Msg-Id`);
        the node is restarted and the cluster healthy again before the next trial. The served figures (replicated
        SCIM creates/s, apply lag to every replica) need `serve` with replication.
        """

    static func run(sequential: Int = 2_000, concurrent: Int = 8_000, inFlight: Int = 32,
                    failovers: Int = 3) async throws -> [BenchResult] {
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let issuer = try KeyPair.generate(.account)
        let serviceUser = try KeyPair.generate(.user)
        let config = CalloutServerConfiguration(issuerPublicKey: issuer.publicKey,
                                                serviceUserPublicKey: serviceUser.publicKey, jetStream: true)
        let cluster = try await NATSCluster.start(config: config.body, label: "bench-cluster")
        var configuration = NATSConfiguration(
            servers: cluster.urls,
            authentication: .nkey(publicKey: serviceUser.publicKey, signNonce: { serviceUser.signature(for: $0) }))
        configuration.reconnect.baseWait = .milliseconds(20)
        configuration.reconnect.maxWait = .milliseconds(200)
        let nats: NATSConnection
        do {
            nats = try await NATSConnection.connect(configuration, logger: logger)
        } catch {
            try? await cluster.stop()
            throw error
        }
        do {
            let results = try await measure(JetStreamContext(connection: nats, timeout: .seconds(2)), on: cluster,
                                            sequential: sequential, concurrent: concurrent, inFlight: inFlight,
                                            failovers: failovers)
            await nats.close()
            try await cluster.stop()
            return results
        } catch {
            await nats.close()
            try? await cluster.stop()
            throw error
        }
    }

    private static func measure(_ js: JetStreamContext, on cluster: NATSCluster, sequential: Int, concurrent: Int,
                                inFlight: Int, failovers: Int) async throws -> [BenchResult] {
        _ = try await js.createStream(StreamConfig(name: "BENCH", subjects: ["bench.changes"], storage: .file,
                                                   replicas: 3, duplicateWindow: .seconds(120)))
        let payload = ByteBuffer(repeating: UInt8(ascii: "x"), count: 512)
        let clock = ContinuousClock()
        var results: [BenchResult] = []
        var counter = 0
        func nextID() -> String { counter += 1; return "bench-\(counter)" }

        // 1. One at a time: each publish waits for its ack (the writer's path per SCIM write).
        for _ in 0..<100 { _ = try await js.publish(payload, to: "bench.changes", options: .init(messageID: nextID())) }
        var latencies: [Double] = []
        let sequentialStart = clock.now
        for _ in 0..<sequential {
            let start = clock.now
            _ = try await js.publish(payload, to: "bench.changes", options: .init(messageID: nextID()))
            latencies.append(milliseconds(start.duration(to: clock.now)))
        }
        let sequentialSeconds = seconds(sequentialStart.duration(to: clock.now))
        latencies.sort()
        results.append(BenchResult(name: "R3 acked publish, one at a time", value: Double(sequential) / sequentialSeconds,
                                   unit: "msgs/s"))
        results.append(BenchResult(name: "R3 ack latency p50", value: CalloutBench.percentile(latencies, 0.50), unit: "ms"))
        results.append(BenchResult(name: "R3 ack latency p99", value: CalloutBench.percentile(latencies, 0.99), unit: "ms"))

        // 2. `inFlight` publishers at once (replicas writing concurrently).
        let ids = (0..<concurrent).map { "bench-c-\($0)" }
        let concurrentStart = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<inFlight {
                group.addTask {
                    for index in stride(from: worker, to: concurrent, by: inFlight) {
                        _ = try await js.publish(payload, to: "bench.changes", options: .init(messageID: ids[index]))
                    }
                }
            }
            try await group.waitForAll()
        }
        results.append(BenchResult(name: "R3 acked publish, \(inFlight) in flight",
                                   value: Double(concurrent) / seconds(concurrentStart.duration(to: clock.now)),
                                   unit: "msgs/s"))

        // 3. Failover: kill -9 the leader's node while publishing, time to the next ack.
        var gaps: [Double] = []
        for _ in 0..<failovers {
            let leader = try await cluster.waitForStreamLeader(stream: "BENCH")
            _ = try await js.publish(payload, to: "bench.changes", options: .init(messageID: nextID()))
            let killed = clock.now
            try await cluster.kill9(node: leader)
            _ = try await js.publish(payload, to: "bench.changes", options: .init(messageID: nextID()),
                                     retry: PublishRetry(deadline: .seconds(60)))
            gaps.append(milliseconds(killed.duration(to: clock.now)))
            try await cluster.restart(node: leader)
        }
        gaps.sort()
        results.append(BenchResult(name: "failover gap, kill -9 of the stream leader's node (median of \(failovers))",
                                   value: CalloutBench.percentile(gaps, 0.5), unit: "ms"))
        results.append(BenchResult(name: "failover gap, worst of \(failovers)", value: gaps.last ?? 0, unit: "ms"))
        return results
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func milliseconds(_ duration: Duration) -> Double { seconds(duration) * 1_000 }
}

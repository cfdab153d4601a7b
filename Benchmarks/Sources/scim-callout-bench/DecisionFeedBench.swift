import AuthCallout
import Foundation
import IdentityStore
import Logging
import NATSClient
import NIOCore
import TestSupport

/// What publishing decisions (`replication.publish_decisions`) costs: process CPU per record
/// for the JSON alone, and for JSON plus the publish to a real nats-server as `serve`'s
/// `DecisionPublisher` does it (a batch of 256 at a time, one message per record, on a
/// connection of its own); and `DecisionLog.record` on the decision path with and without a feed.
enum DecisionFeedBench {
    static let note = """
        CPU per record, this process only (the nats-server's share is not counted). *JSON* is the
        payload alone; *JSON + publish* adds the NATS publish off the decision path, as serve's
        decision feed does it; *decision path* is `DecisionLog.record` (log line to a no-op
        handler, counters, queueing for the table), which is where a feed could slow a decision.
        """

    static func run(records count: Int = 50_000) async throws -> [BenchResult] {
        let records = DecisionTableBench.sampleRecords(count)
        var results: [BenchResult] = []

        var bytes = 0
        var before = CalloutBench.processCPUSeconds()
        for record in records { bytes &+= PublishedDecision(record: record, replica: "bench-1").json.count }
        var cpu = CalloutBench.processCPUSeconds() - before
        results.append(BenchResult(name: "decision feed: JSON per record (\(count) records, \(bytes / count) bytes each)",
                                   value: cpu / Double(count) * 1e6, unit: "µs"))

        let server = try await NATSServerProcess.start(label: "feed-bench")
        let logger = Logger(label: "feed-bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection = try await NATSConnection.connect(NATSConfiguration(servers: [server.url], name: "feed-bench"), logger: logger)
        before = CalloutBench.processCPUSeconds()
        var index = 0
        while index < records.count {
            let end = min(index + 256, records.count)
            for record in records[index ..< end] {
                try await connection.publish(ByteBuffer(bytes: PublishedDecision(record: record, replica: "bench-1").json),
                                             to: "scim-callout.decisions.bench-1")
            }
            index = end
        }
        try await connection.flush()
        cpu = CalloutBench.processCPUSeconds() - before
        await connection.close()
        try await server.stop()
        results.append(BenchResult(name: "decision feed: JSON + publish per record (\(count) records, batches of 256, real nats-server)",
                                   value: cpu / Double(count) * 1e6, unit: "µs"))

        for withFeed in [false, true] {
            let log = DecisionLog(logger: logger, sink: NoSink(), feed: withFeed ? NoFeed() : nil, bufferSize: count + 1)
            before = CalloutBench.processCPUSeconds()
            for record in records { log.record(record) }
            cpu = CalloutBench.processCPUSeconds() - before
            log.finish()
            results.append(BenchResult(name: "decision path: DecisionLog.record per decision, \(withFeed ? "with" : "without") a feed",
                                       value: cpu / Double(count) * 1e6, unit: "µs"))
        }
        return results
    }

    private struct NoSink: DecisionSink {
        func append(_ records: [DecisionRecord]) async throws {}
    }

    private struct NoFeed: DecisionFeed {
        func publish(_ records: [DecisionRecord]) async {}
    }
}

import Foundation
import IdentityStore
import Logging
import NATSClient
import Testing
import TestSupport
@testable import scim_callout

/// The applied reports and the writer's wait over a real nats-server: what this replica
/// publishes on `<prefix>.applied.<id>`, and how reports from another replica release a wait.
@Suite("Replica progress: applied reports and the revocation wait", .serialized, .timeLimit(.minutes(2)))
struct ReplicaProgressTests {
    static let logger = Logger(label: "replica-progress-test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func report(_ replica: String, _ sequence: UInt64, on connection: NATSConnection) async throws {
        try await connection.publish(AppliedReport(replica: replica, sequence: sequence, at: Date()).encoded(),
                                     to: AppliedReport.subject(prefix: "t", replicaID: replica))
        try await connection.flush()
    }

    @Test func reportsAndWaits() async throws {
        let server = try await NATSServerProcess.start(label: "replica-progress")
        let writer = try await NATSConnection.connect(NATSConfiguration(servers: [server.url]), logger: Self.logger)
        let other = try await NATSConnection.connect(NATSConfiguration(servers: [server.url]), logger: Self.logger)
        let (applied, appliedContinuation) = AsyncStream.makeStream(of: UInt64.self)
        appliedContinuation.yield(5)
        let progress = ReplicaProgress(connection: writer, replicaID: "a", subjectPrefix: "t", maxStaleness: .seconds(1),
                                       heartbeat: .milliseconds(100), appliedSequences: { applied }, logger: Self.logger)
        let reports = try await other.subscribe(to: "t.applied.a")
        let running = Task { try await progress.run() }
        do {
            // This replica's own report: the documented JSON shape.
            var iterator = reports.makeAsyncIterator()
            let message = try #require(await iterator.next())
            let json = try #require(try JSONSerialization.jsonObject(with: Data(message.payload.readableBytesView)) as? [String: Any])
            #expect(Set(json.keys) == ["replica", "sequence", "at"])
            #expect(json["replica"] as? String == "a" && json["sequence"] as? Int == 5)

            // Released by the other replica's report, long before the deadline. b repeats its
            // report as a replica's heartbeat would: one report keeps b live for only max
            // staleness, which a loaded host can let pass before the poll looks.
            let heartbeat = Task {
                while !Task.isCancelled {
                    try await Self.report("b", 3, on: other)
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { heartbeat.cancel() }
            try await pollUntil("b heard") { progress.liveReplicas == ["b"] }
            heartbeat.cancel()
            _ = await heartbeat.result
            async let released = progress.waitForReplicas(toApply: 4)
            try await Self.report("b", 4, on: other)
            #expect(await released == .applied, "released by the report, not the deadline")

            // b lags: released at the deadline (max staleness), not before. Timed from before the
            // report: b stays live for max staleness after it is heard, which may be before the
            // publish returns here on a loaded host.
            let lagging = ContinuousClock.now
            try await Self.report("b", 4, on: other)
            await progress.waitForReplicas(toApply: 9)
            #expect(ContinuousClock.now - lagging >= .milliseconds(950))

            // b silent for longer than max staleness: not waited for at all.
            try await pollUntil("b no longer live", timeout: .seconds(5)) { progress.liveReplicas.isEmpty }
            #expect(await progress.waitForReplicas(toApply: 20) == .applied, "no live replica to wait for")
        } catch {
            running.cancel()
            await writer.close()
            await other.close()
            try? await server.stop()
            throw error
        }
        running.cancel()
        appliedContinuation.finish()
        await writer.close()
        await other.close()
        try await server.stop()
    }
}

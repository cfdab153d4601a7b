import Foundation
import GRDB
import GRDBSQLite
import IdentityStore
import Logging
import Testing
import TestSupport
@testable import AuthCallout

/// Captures log lines in memory (no global bootstrap).
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    /// `metadata` holds a ``LogFieldsConvertible`` value's fields in its place, as a structured
    /// handler writes them; `raw` is the metadata as logged.
    struct Line { var message: String; var metadata: Logger.Metadata; var raw: Logger.Metadata }
    final class Box: @unchecked Sendable {
        let lock = NSLock()
        var lines: [Line] = []
    }
    let box: Box
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    init(box: Box) { self.box = box }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let raw = metadata ?? [:]
        var flat = raw
        for (key, value) in raw {
            guard case let .stringConvertible(convertible) = value, let group = convertible as? any LogFieldsConvertible else { continue }
            flat[key] = nil
            flat.merge(group.metadata) { plain, _ in plain }
        }
        box.lock.withLock { box.lines.append(Line(message: message.description, metadata: flat, raw: raw)) }
    }
}

@Suite("Decision log", .timeLimit(.minutes(1)))
struct DecisionLogTests {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)

    func record(_ index: Int, user: String = "alice", result: DecisionRecord.Result = .allow,
                reason: DecisionReason = .allowed, at offset: TimeInterval = 0) -> DecisionRecord {
        DecisionRecord(time: Self.start.addingTimeInterval(offset), result: result, reason: reason, userName: user, userID: "id-\(user)",
                       grantedBy: ["developers"], account: "APP", authMethod: .password, clientHost: "10.0.0.\(index)",
                       clientID: UInt64(index), clientName: "app", clientLang: "go", clientVersion: "1.0", serverID: "NSERVER",
                       serverName: "n1", latencyMicroseconds: 120, jwtID: "JTI\(index)", jwtExpires: Self.start.addingTimeInterval(3600))
    }

    @Test func oneStructuredLinePerDecision() {
        let box = CapturingLogHandler.Box()
        let log = DecisionLog(logger: Logger(label: "d", factory: { _ in CapturingLogHandler(box: box) }))
        let logged = record(1)
        log.record(logged)
        let lines = box.lock.withLock { box.lines }
        #expect(lines.count == 1)
        let metadata = lines[0].metadata
        #expect(metadata["decision.result"] == "allow")
        #expect(metadata["decision.reason"] == "allowed")
        #expect(metadata["user.name"] == "alice")
        #expect(metadata["client.host"] == "10.0.0.1")
        #expect(metadata["server.id"] == "NSERVER")
        #expect(metadata["jwt.id"] == "JTI1")
        #expect(metadata["decision.granted_by"] == .array(["developers"]))
        #expect(metadata["decision.latency_us"] == "120")
        #expect(metadata["decision.queue_us"] == nil, "not measured, not written")
        #expect(metadata["jwt.expires"] == "2026-01-01T01:00:00Z")
        // Logged as one value: its fields are only spread out by the handler.
        #expect(lines[0].raw.count == 1)
        guard case let .stringConvertible(value) = lines[0].raw[DecisionLog.metadataKey] else {
            Issue.record("no \(DecisionLog.metadataKey) value in \(lines[0].raw)")
            return
        }
        #expect((value as? DecisionLogFields)?.record == logged)
    }

    @Test func logFieldsComeInAscendingUniqueKeyOrder() {
        // Every optional field set, so every key is written.
        var full = record(7)
        full.detail = "a detail"
        full.sessionsCut = 2
        full.queueMicroseconds = 40
        var keys: [String] = []
        DecisionLogFields(full).forEachLogField { key, _ in keys.append(key) }
        #expect(keys.count == 21)
        #expect(keys == keys.sorted())
        #expect(Set(keys).count == keys.count)
        // Absent values are left out, not written empty.
        var sparse: [String] = []
        DecisionLogFields(DecisionRecord(time: Self.start, result: .deny, reason: .unknownUser)).forEachLogField { key, _ in sparse.append(key) }
        #expect(sparse == ["decision.auth_method", "decision.id", "decision.latency_us", "decision.reason", "decision.result"])
    }

    @Test func textHandlersGetTheFieldsAsOneJSONObject() throws {
        var full = record(3)
        full.detail = "quote \" and\nnewline"
        let fields = DecisionLogFields(full)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(fields.description.utf8)) as? [String: Any])
        #expect(object.count == fields.metadata.count)
        #expect(object["decision.detail"] as? String == "quote \" and\nnewline")
        #expect(object["decision.granted_by"] as? [String] == ["developers"])
        #expect(object["client.id"] as? String == "3")
        #expect(object["user.name"] as? String == "alice")
    }

    @Test func logFeedsTheTableInBatches() async throws {
        let store = try DecisionStore.inMemory(now: { Self.start })
        let log = DecisionLog(logger: Logger(label: "d", factory: { _ in SwiftLogNoOpLogHandler() }), sink: store, batchSize: 4)
        let runner = Task { await log.run() }
        for index in 1 ... 10 { log.record(record(index)) }
        log.finish()
        await runner.value
        #expect(try await store.count() == 10)
    }

    /// One record the table refuses costs only itself: the rest of its batch is stored, and the
    /// refused one is named in a warning.
    @Test func aRecordTheTableRefusesCostsOnlyItself() async throws {
        let queue = try DatabaseQueue()
        let store = try DecisionStore(queue, now: { Self.start })
        try await queue.write { db in _ = sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, 1_000) }
        let box = CapturingLogHandler.Box()
        let log = DecisionLog(logger: Logger(label: "d", factory: { _ in CapturingLogHandler(box: box) }), sink: store, batchSize: 8)
        let runner = Task { await log.run() }
        var poison = record(3)
        poison.detail = String(repeating: "x", count: 2_000)
        let records = [record(1), record(2), poison, record(4), record(5)]
        for record in records { log.record(record) }
        log.finish()
        await runner.value
        let stored = try await store.decisions(DecisionQuery()).map(\.record.id)
        #expect(stored == records.map(\.id).filter { $0 != poison.id })
        let warnings = box.lock.withLock { box.lines.filter { $0.message == "could not store decision records" } }
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["decision.ids"] == .string(poison.id))
        #expect(warnings.first?.metadata["decision.count"] == "1")
    }

    /// Counts the sink's writes, to see batching.
    final class BatchCountingSink: DecisionSink, @unchecked Sendable {
        private let lock = NSLock()
        private var sizes: [Int] = []
        var batches: [Int] { lock.withLock { sizes } }
        func append(_ records: [DecisionRecord]) async throws { lock.withLock { sizes.append(records.count) } }
    }

    @Test func recordsGatherIntoOneWriteWithinTheFlushInterval() async throws {
        let sink = BatchCountingSink()
        let log = DecisionLog(logger: Logger(label: "d", factory: { _ in SwiftLogNoOpLogHandler() }), sink: sink,
                              flushInterval: .seconds(2))
        let runner = Task { await log.run() }
        for index in 1 ... 5 { log.record(record(index)) }
        try await pollUntil("the batch to be written", timeout: .seconds(20)) { sink.batches.reduce(0, +) == 5 }
        #expect(sink.batches == [5], "five records recorded together are one table write")
        log.finish()
        await runner.value
    }

    @Test func finishWritesAtOnceWithoutWaitingOutTheInterval() async throws {
        let sink = BatchCountingSink()
        let log = DecisionLog(logger: Logger(label: "d", factory: { _ in SwiftLogNoOpLogHandler() }), sink: sink,
                              flushInterval: .seconds(3_600))
        let runner = Task { await log.run() }
        log.record(record(1))
        log.finish()
        // An hour-long interval would hang here if finish() did not cut the wait short.
        await runner.value
        #expect(sink.batches.reduce(0, +) == 1)
    }

}

import AuthCallout
import Foundation
import IdentityStore
import TestSupport

/// The `decisions` table's share of a decision: process CPU per stored record when records are
/// appended in the service's batches (256, one transaction each), to a file as `serve` opens it.
enum DecisionTableBench {
    static func run(records count: Int = 50_000) async throws -> [BenchResult] {
        // Below the retention limit, then at it: there each batch also deletes as many old rows.
        try await [append(count, retention: nil), append(count, retention: count / 2)]
    }

    /// Appends `count` records; with `retention`, to a table kept at that many rows, filled to
    /// it before the CPU is measured.
    static func append(_ count: Int, retention: Int?) async throws -> BenchResult {
        let directory = try TestEnvironment.temporaryDirectory("decision-table-bench")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try DecisionStore.open(path: directory.appendingPathComponent("decisions.sqlite").path,
                                           retention: retention.map { .init(maxRows: $0) } ?? .init())
        let records = sampleRecords(count)
        func appendAll() async throws {
            var index = 0
            while index < records.count {
                let end = min(index + 256, records.count)
                try await store.append(Array(records[index ..< end]))
                index = end
            }
        }
        if retention != nil { try await appendAll() }
        let before = CalloutBench.processCPUSeconds()
        try await appendAll()
        let cpu = CalloutBench.processCPUSeconds() - before
        let name = retention.map { "decision table at its retention limit (\($0) rows): CPU per stored record (\(count) records, batches of 256, each batch deleting as many old rows)" }
            ?? "decision table: CPU per stored record (\(count) records, batches of 256)"
        return BenchResult(name: name, value: cpu / Double(count) * 1e6, unit: "µs")
    }

    /// `count` allow records shaped like a password connect's (what the table and the feed get).
    static func sampleRecords(_ count: Int) -> [DecisionRecord] {
        let now = Date()
        return (0 ..< count).map { index in
            var record = DecisionRecord(time: now, result: .allow, reason: .allowed)
            record.userName = "user\(index % 1_000)"
            record.userID = UUID().uuidString
            record.authMethod = .password
            record.grantedBy = ["developers"]
            record.account = "APP"
            record.clientHost = "127.0.0.1"
            record.clientID = UInt64(index)
            record.clientLang = "python3"
            record.clientVersion = "2.16.0"
            record.serverID = "NBENCHSERVER"
            record.serverName = "bench"
            record.latencyMicroseconds = 150
            record.jwtID = "JTI\(index)"
            record.jwtExpires = now.addingTimeInterval(3600)
            return record
        }
    }
}

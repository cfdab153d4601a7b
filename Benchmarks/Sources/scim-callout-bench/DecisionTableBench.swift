import AuthCallout
import Foundation
import TestSupport

/// The `decisions` table's share of a decision: process CPU per stored record when records are
/// appended in the service's batches (256, one transaction each), to a file as `serve` opens it.
enum DecisionTableBench {
    static func run(records count: Int = 50_000) async throws -> [BenchResult] {
        let directory = try TestEnvironment.temporaryDirectory("decision-table-bench")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try DecisionStore.open(path: directory.appendingPathComponent("decisions.sqlite").path)
        let now = Date()
        let records = (0 ..< count).map { index in
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
        let before = CalloutBench.processCPUSeconds()
        var index = 0
        while index < records.count {
            let end = min(index + 256, records.count)
            try await store.append(Array(records[index ..< end]))
            index = end
        }
        let cpu = CalloutBench.processCPUSeconds() - before
        return [BenchResult(name: "decision table: CPU per stored record (\(count) records, batches of 256)",
                            value: cpu / Double(count) * 1e6, unit: "µs")]
    }
}

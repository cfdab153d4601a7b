import Foundation

/// The benchmark driver behind `make bench`: runs every suite (or those named on the command
/// line: `crypto parser filter scim history callout credentials cluster replication feed snapshot`,
/// or `table` for the decision table's figures alone) and writes `docs/benchmarks.md`.
@main
enum BenchMain {
    static let suiteNames = ["crypto", "parser", "filter", "scim", "history", "callout", "credentials", "cluster", "replication", "feed", "snapshot"]
    /// Suites run only when named: parts of another suite, for measuring one change quickly.
    static let partSuiteNames = ["table"]

    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // The served benchmark starts this same binary as the floor responder process.
        if arguments.first == "floor-responder" {
            return try await FloorResponder.main(Array(arguments.dropFirst()))
        }
        let unknown = arguments.filter { !suiteNames.contains($0) && !partSuiteNames.contains($0) }
        guard unknown.isEmpty else {
            FileHandle.standardError.write(Data("unknown suite(s) \(unknown); choose from \(suiteNames + partSuiteNames)\n".utf8))
            exit(64)
        }
        let selected = arguments.isEmpty ? suiteNames : arguments
        var report = BenchmarkReport(command: (["make bench"] + (arguments.isEmpty ? [] : ["BENCH_SUITES=\"\(arguments.joined(separator: " "))\""])).joined(separator: " "))
        for name in selected {
            print("==> suite \(name)")
            switch name {
            case "crypto": report.add(suite: "NKeys / JWT crypto", results: try CryptoBench.run())
            case "parser": report.add(suite: "NATS protocol parser", results: try ParserBench.run())
            case "filter": report.add(suite: "SCIM filters and PATCH", results: try FilterBench.run())
            case "scim": report.add(suite: "SCIM endpoint and store", results: try await SCIMBench.run())
            case "history": report.add(suite: "Identity history", results: try await HistoryBench.run())
            case "callout": report.add(suite: "Auth callout", results: try await CalloutBench.run(), note: CalloutBench.note)
            case "credentials": report.add(suite: "Credentials side by side", results: try await CredentialBench.run(), note: CredentialBench.note)
            case "cluster": report.add(suite: "Replication cluster", results: try await ClusterBench.run(), note: ClusterBench.note)
            // The `decisions` table's row alone (also part of `callout`).
            case "table": report.add(suite: "Decision table", results: try await DecisionTableBench.run())
            case "feed": report.add(suite: "Decision feed", results: try await DecisionFeedBench.run(), note: DecisionFeedBench.note)
            case "replication":
                report.add(suite: "Replication on a 3-node cluster", results: try await ReplicationBench.run(), note: ReplicationBench.note)
            case "snapshot":
                report.add(suite: "Replica bootstrap from a snapshot", results: try await SnapshotBench.run(), note: SnapshotBench.note)
            default: break
            }
        }
        try report.write()
    }
}

import ArgumentParser
import AuthCallout
import Foundation
import IdentityStore

/// `scim-callout decisions`: query or follow the decision log.
struct DecisionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "Show the decision log: who connected or was denied, why, with what (newest first).",
        discussion: """
            Fields: docs/decision-log.md. --follow prints new decisions as serve records them \
            (oldest first) until interrupted. --follow --cluster prints every replica's decisions \
            from NATS (<replication.subject_prefix>.decisions.>, with the nats.* settings), with \
            the replica that decided; replicas publish them with replication.publish_decisions. \
            With --since it first replays replication.decisions_stream (docs/high-availability.md).
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "Only this userName.")
    var user: String?

    @Option(help: "Only allow, deny or revoke.")
    var result: String?

    @Option(help: "Only this reason (e.g. wrong_secret, no_binding; see docs/decision-log.md).")
    var reason: String?

    @Option(help: ArgumentHelp("Only decisions newer than this (e.g. 15m, 24h, 7d).", valueName: "duration"))
    var since: String?

    @Option(help: "Rows to show.")
    var limit = 20

    @Flag(help: "Keep printing new decisions until interrupted.")
    var follow = false

    @Flag(help: "With --follow: every replica's decisions, from NATS, with a REPLICA column.")
    var cluster = false

    @Flag(help: "JSON lines (the full record) instead of a table.")
    var json = false

    func validate() throws {
        if let result, DecisionRecord.Result(rawValue: result) == nil {
            throw ValidationError("--result must be allow, deny or revoke")
        }
        if let reason, DecisionReason(rawValue: reason) == nil {
            throw ValidationError("--reason \(reason) is unknown; one of: \(DecisionReason.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let since { _ = try DurationOption.seconds(since, option: "--since", examples: "15m, 24h or 7d") }
        if limit < 1 || limit > 100_000 { throw ValidationError("--limit must be between 1 and 100000") }
        if cluster, !follow {
            throw ValidationError("--cluster needs --follow: the local table holds only this host's decisions")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let configuration = try options.load()
            if cluster {
                try await followCluster(configuration)
                return
            }
            guard FileManager.default.fileExists(atPath: configuration.decisions.path) else {
                throw CLIError(.notFound, "no decision log at \(configuration.decisions.path) (decisions.path): has serve run yet?")
            }
            let store = try ServiceRuntime.openDecisions(configuration.decisions)
            var query = DecisionQuery(
                userName: user, result: result.flatMap(DecisionRecord.Result.init(rawValue:)),
                reason: reason.flatMap(DecisionReason.init(rawValue:)),
                since: since.flatMap { DurationText.parse($0.lowercased()) }.map {
                    Date().addingTimeInterval(-TimeInterval($0.components.seconds))
                },
                limit: limit, newestFirst: true)
            if follow {
                query.newestFirst = false
                for try await decision in try await store.follow(query) {
                    emit([PublishedDecision(record: decision.record)], header: false)
                }
                return
            }
            let rows = try await store.decisions(query)
            emit(rows.map { PublishedDecision(record: $0.record) }, header: true)
        }
    }

    /// Prints records as JSON lines or table rows; with `--cluster` the replica is a column.
    func emit(_ decisions: [PublishedDecision], header: Bool) {
        if json {
            // The same bytes a replica publishes: one reader handles both.
            for decision in decisions { print(String(decoding: decision.json, as: UTF8.self)) }
        } else {
            let rows = decisions.map { decision in
                let record = decision.record
                return [Table.time(record.time)] + (cluster ? [decision.replica ?? "-"] : [])
                    + [record.result.rawValue, record.reason.rawValue, record.userName ?? "-",
                       record.authMethod.rawValue, record.clientHost ?? "-", record.account ?? "-",
                       record.grantedBy.joined(separator: ","), Self.milliseconds(record.latencyMicroseconds),
                       record.queueMicroseconds.map(Self.milliseconds) ?? "-"]
            }
            if header {
                Table.print(header: ["TIME"] + (cluster ? ["REPLICA"] : [])
                                + ["RESULT", "REASON", "USER", "AUTH", "CLIENT", "ACCOUNT", "GRANTED BY", "LATENCY", "QUEUED"],
                            rows: rows, json: false)
            } else {
                for row in rows { print(row.map { DisplayText.cell($0, limit: Table.cellLimit) }.joined(separator: "  ")) }
            }
        }
        // Followers are read through pipes (a SIEM shipper, `grep`): a line goes out when printed.
        if follow { fflush(nil) }
    }

    /// Microseconds as milliseconds with two decimals (`0.27ms`): most decisions take well under
    /// one, so whole milliseconds would print `0ms` for nearly all of them.
    static func milliseconds(_ microseconds: Int64) -> String {
        String(format: "%.2fms", Double(microseconds) / 1_000)
    }
}

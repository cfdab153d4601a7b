import ArgumentParser
import Foundation
import IdentityStore

/// `scim-callout audit deprovisioning|user`: evidence for auditors, from identity history and
/// the decision log (docs/audit.md).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Evidence for auditors: deprovisioning proof and one identity's timeline (docs/audit.md).",
        subcommands: [Deprovisioning.self, User.self]
    )

    /// `scim-callout audit deprovisioning`
    struct Deprovisioning: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deprovisioning",
            abstract: "Every deactivation, deletion and group removal, with the sessions cut and the connects around it.",
            discussion: """
                An allowed connect after a deprovisioning (that it should have prevented) is FLAGGED, \
                and the command then exits \(ExitStatus.flagged.rawValue).
                """
        )

        @OptionGroup var options: ConfigOptions

        @Option(help: ArgumentHelp("Changes newer than this (e.g. 24h, 30d).", valueName: "duration"))
        var since = "30d"

        @Option(help: "text (a table) or json (one document, docs/audit.md).")
        var format = AuditFormat.text

        func validate() throws {
            _ = try DurationOption.seconds(since, option: "--since", examples: "24h or 30d")
        }

        func run() async throws {
            let audit = try await reportingErrors { () async throws -> DeprovisioningAudit in
                let configuration = try options.load()
                let database = try StoreAccess.open(configuration)
                guard let decisions = try AuditCommand.openDecisions(configuration, required: true) else {
                    throw CLIError(.notFound, "no decision log at \(configuration.decisions.path)")
                }
                let now = Date()
                let start = now.addingTimeInterval(-AuditCommand.seconds(since))
                return try await StoreAccess.mapErrors {
                    try await DeprovisioningAudit.build(since: start, now: now, database: database,
                                                        decisions: decisions)
                }
            }
            switch format {
            case .json: AuditCommand.printJSON(audit)
            case .text: Self.printText(audit)
            }
            if audit.flagged > 0 {
                printError("FLAGGED: \(audit.flagged) deprovisioning(s) followed by an allowed connect")
                throw ExitCode(ExitStatus.flagged.rawValue)
            }
        }

        static func printText(_ audit: DeprovisioningAudit) {
            let rows = audit.events.map { event -> [String] in
                [Table.time(event.time), event.userName, event.change.rawValue + Self.groups(event), event.author,
                 event.sessionsCut.map(String.init) ?? "none recorded",
                 event.sessionsCutAfterSeconds.map { String(format: "%.3fs", $0) } ?? "-",
                 event.lastAllowBefore.map { Table.time($0.time) } ?? "-",
                 event.flagged ? "FLAGGED \(event.allowsAfter.count)" : "none"]
            }
            Table.print(header: ["CHANGED", "USER", "CHANGE", "BY TOKEN", "SESSIONS CUT", "CUT AFTER",
                                 "LAST ALLOW BEFORE", "ALLOWS AFTER"], rows: rows, json: false)
            for event in audit.events where event.flagged {
                for connect in event.allowsAfter {
                    print(DisplayText.escaped(
                        "FLAGGED: \(event.userName) was allowed at \(Table.time(connect.time)) (decision "
                            + "\(connect.decisionId)) after being \(event.change.rawValue) at \(Table.time(event.time))"))
                }
            }
            print("\(audit.events.count) deprovisioning(s) since \(Table.time(audit.since)), \(audit.flagged) flagged")
            if let start = audit.historyStart, start > audit.since {
                print("note: identity history starts at \(Table.time(start))")
            }
            if let start = audit.decisionsStart, start > audit.since {
                print("note: the decision log starts at \(Table.time(start)) (decisions.retention)")
            }
        }

        private static func groups(_ event: DeprovisioningEvent) -> String {
            event.groupsRemoved.isEmpty ? "" : " (" + event.groupsRemoved.joined(separator: ",") + ")"
        }
    }

    /// `scim-callout audit user <name>`
    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user",
            abstract: "One identity's timeline: SCIM changes, connect decisions and revocations, in order."
        )

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The userName (caseless; every user that ever had the name).")
        var userName: String

        @Option(help: ArgumentHelp("Only events newer than this (e.g. 24h, 30d).", valueName: "duration"))
        var since: String?

        @Option(help: "Most decisions read per user id.")
        var limit = 1_000

        @Option(help: "text (a table) or json (one document, docs/audit.md).")
        var format = AuditFormat.text

        func validate() throws {
            if let since { _ = try DurationOption.seconds(since, option: "--since", examples: "24h or 30d") }
            if limit < 1 || limit > 100_000 { throw ValidationError("--limit must be between 1 and 100000") }
        }

        func run() async throws {
            try await reportingErrors {
                let configuration = try options.load()
                let database = try StoreAccess.open(configuration)
                let decisions = try AuditCommand.openDecisions(configuration, required: false)
                let now = Date()
                let timeline = try await StoreAccess.mapErrors {
                    try await UserTimeline.build(
                        userName: userName, since: since.map { now.addingTimeInterval(-AuditCommand.seconds($0)) },
                        limit: limit, now: now, database: database, decisions: decisions)
                }
                if timeline.userIds.isEmpty, timeline.events.isEmpty {
                    throw CLIError(.notFound, "no user named \(userName) in identity history or the decision log")
                }
                switch format {
                case .json: AuditCommand.printJSON(timeline)
                case .text:
                    Table.print(header: ["TIME", "SOURCE", "KIND", "USER", "BY", "DETAIL"], rows: timeline.events.map {
                        [Table.time($0.time), $0.source.rawValue, $0.kind, $0.userName ?? "-", $0.author ?? "-", $0.summary]
                    }, json: false)
                    if decisions == nil { print("note: no decision log at \(configuration.decisions.path)") }
                }
            }
        }
    }

    /// The decision log, or nil when it does not exist and is not `required`.
    static func openDecisions(_ configuration: Configuration, required: Bool) throws -> DecisionStore? {
        guard FileManager.default.fileExists(atPath: configuration.decisions.path) else {
            guard !required else {
                throw CLIError(.notFound, "no decision log at \(configuration.decisions.path) (decisions.path): has serve run yet?")
            }
            return nil
        }
        return try ServiceRuntime.openDecisions(configuration.decisions)
    }

    static func seconds(_ duration: String) -> TimeInterval {
        DurationText.parse(duration.lowercased()).map { TimeInterval($0.components.seconds) } ?? 0
    }

    static func printJSON(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
    }
}

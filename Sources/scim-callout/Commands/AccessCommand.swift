import ArgumentParser
import Foundation
import IdentityStore
import Policy

/// `scim-callout access report`
struct AccessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "Access review: what the policy gives every active user.",
        subcommands: [Report.self]
    )

    /// The output formats of `access report`.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, csv
    }

    /// `scim-callout access report`
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every active user's effective publish/subscribe permissions, or who may use one subject.",
            discussion: """
                Each user is evaluated by the same function as `policy explain`, on a connect from \
                --host with --type. With --subject only users who may publish or subscribe there are \
                listed: an allow pattern must cover the whole subject (NATS wildcards: `*` one token, \
                `>` one or more) and no deny pattern may; deny patterns covering part of a wildcard \
                subject are shown as exceptions. With --as-of the users and groups come from the \
                identity history and the policy from the policy history, as they were then. JSON: \
                schema scim-callout.access-report.v1 (docs/operations.md).
                """)

        @OptionGroup var options: ConfigOptions

        @Option(help: ArgumentHelp("Only users who may publish or subscribe on this subject (wildcards allowed).",
                                   valueName: "subject"))
        var subject: String?

        @Option(help: "Output: text, json or csv.")
        var format: Format = .text

        @Option(help: ArgumentHelp("Answer for a past moment (ISO 8601 time, or a date meaning 00:00 UTC).",
                                   valueName: "time"))
        var asOf: String?

        @Option(help: "The client address the connects come from (for source_cidrs).")
        var host: String = "127.0.0.1"

        @Option(help: "Connection type: nats, websocket, mqtt, leafnode.")
        var type: String = "nats"

        func validate() throws {
            if let subject, !SubjectPattern.isValid(subject) {
                throw ValidationError("--subject \(subject) is not a NATS subject (tokens separated by '.', "
                                      + "'*' and '>' as whole tokens, '>' last)")
            }
            if let asOf, Self.date(asOf) == nil {
                throw ValidationError("--as-of \(asOf) is not an ISO 8601 time such as 2026-11-01T09:00:00Z or a date such as 2026-11-01")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let configuration = try options.load()
                let now = Date()
                let asOf = self.asOf.flatMap(Self.date)
                if let asOf, asOf > now {
                    throw CLIError(.usage, "--as-of \(Self.time(asOf)) is in the future")
                }
                let database = try StoreAccess.open(configuration)
                let (policy, origin, users) = if let asOf {
                    try await Self.past(asOf, database: database)
                } else {
                    try await Self.present(configuration, database: database)
                }
                let kind = type == "leafnode" ? "Leafnode" : "Client"
                let context = ConnectContext(host: host, kind: kind, type: type == "leafnode" ? nil : type, now: asOf ?? now)
                let report = AccessReport.build(policy: policy, origin: origin, users: users, context: context,
                                                subject: subject, asOf: asOf, generatedAt: now)
                switch format {
                case .json: print(try report.json())
                case .csv: print(report.csv(), terminator: "")
                case .text: for line in report.textLines() { print(line) }
                }
            }
        }

        /// The policy file and the users now.
        static func present(_ configuration: Configuration, database: IdentityDatabase) async throws
            -> (Policy, AccessReport.PolicyOrigin, [PolicySubject])
        {
            let url = URL(fileURLWithPath: configuration.policy.file)
            let bytes: Data
            do {
                bytes = try Data(contentsOf: url)
            } catch {
                throw CLIError(.notFound, "cannot read policy.file \(url.path): \(error.localizedDescription)")
            }
            let policy: Policy
            do {
                policy = try PolicyParser.parse(bytes, source: url.lastPathComponent)
            } catch {
                throw ConfigurationError(code: .invalidValue, key: "policy.file", message: "\(error)")
            }
            let users = try await StoreAccess.mapErrors { try await database.activeIdentities() }.map(\.policySubject)
            return (policy, .init(sha256: PolicyRevision.sha256(of: bytes), source: "file"), users)
        }

        /// The policy in force and the users as they were at `date`, from the store's histories.
        static func past(_ date: Date, database: IdentityDatabase) async throws
            -> (Policy, AccessReport.PolicyOrigin, [PolicySubject])
        {
            guard let start = try await StoreAccess.mapErrors({ try await database.historyStart() }), start <= date else {
                let start = try await StoreAccess.mapErrors { try await database.historyStart() }
                throw CLIError(.notFound, "identity history not available for \(time(date))"
                               + (start.map { ": it starts at \(time($0))" } ?? ": it is empty"))
            }
            guard let revision = try await StoreAccess.mapErrors({ try await database.policyRevision(asOf: date) }) else {
                throw CLIError(.notFound, "policy history not available for \(time(date)): no policy load was recorded by then "
                               + "(serve records each load)")
            }
            let policy: Policy
            do {
                policy = try PolicyParser.parse(revision.content, source: "policy_history #\(revision.sequence)")
            } catch {
                throw CLIError(.dataError, "the policy recorded at \(time(revision.loadedAt)) no longer parses: \(error)")
            }
            guard !policy.usesExternalIds else {
                throw CLIError(.dataError, "the policy in force at \(time(date)) matches externalIds, which the identity "
                               + "history does not keep: --as-of cannot answer for it")
            }
            let users = try await StoreAccess.mapErrors { try await database.activeUsersWithGroups(asOf: date) }
                .map(\.policySubject)
            return (policy, .init(sha256: revision.sha256, source: "history", loadedAt: revision.loadedAt), users)
        }

        static func date(_ text: String) -> Date? {
            if let date = try? Date(text, strategy: .iso8601) { return date }
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            return try? Date(text + "T00:00:00Z", strategy: .iso8601)
        }

        static func time(_ date: Date) -> String { date.formatted(.iso8601) }
    }
}

import ArgumentParser
import AuthCallout
import Foundation
import Policy

/// `scim-callout policy check|explain`
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Ask the policy what a user would get on connect.",
        discussion: """
            Without --group the user and its groups are read from the store; with --group the \
            policy is asked about a hypothetical user in those groups (nothing is read from the store).
            """,
        subcommands: [Check.self, Explain.self]
    )

    /// Options shared by `check` and `explain`.
    struct Question: ParsableArguments {
        @OptionGroup var options: ConfigOptions

        @Option(help: "The SCIM userName to ask about.")
        var user: String

        @Option(name: .customLong("group"),
                help: ArgumentHelp("Evaluate as if the user were in this group (repeatable); skips the store.",
                                   valueName: "displayName"))
        var groups: [String] = []

        @Option(help: "The client address the connect would come from (for source_cidrs).")
        var host: String = "127.0.0.1"

        @Option(help: "Connection type: nats, websocket, mqtt, leafnode.")
        var type: String = "nats"

        @Option(help: ArgumentHelp("Evaluate at this time (ISO 8601, e.g. 2026-01-05T09:30:00Z) instead of now.",
                                   valueName: "time"))
        var at: String?

        func evaluate() async throws -> (Policy, PolicySubject, ConnectContext) {
            let configuration = try options.load()
            let policy = try ServiceRuntime.loadPolicy(configuration)
            var now = Date()
            if let at {
                guard let date = try? Date(at, strategy: .iso8601) else {
                    throw CLIError(.usage, "--at \(at) is not an ISO 8601 time such as 2026-01-05T09:30:00Z")
                }
                now = date
            }
            let kind = type == "leafnode" ? "Leafnode" : "Client"
            let context = ConnectContext(host: host, kind: kind, type: type == "leafnode" ? nil : type, now: now)
            let subject: PolicySubject
            if groups.isEmpty {
                subject = try await StoreAccess.policySubject(userName: user, configuration: configuration)
            } else {
                subject = PolicySubject(userName: user, id: user, groups: groups.map { .init(displayName: $0) })
            }
            return (policy, subject, context)
        }
    }

    /// `scim-callout policy check`
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print allow or deny for a user; exit 0 when allowed, 2 when denied.")

        @OptionGroup var question: Question

        func run() async throws {
            try await reportingErrors {
                let (policy, subject, context) = try await question.evaluate()
                switch policy.evaluate(subject, context: context).result {
                case .success(let grant):
                    let grantedBy = grant.grantedBy.map(DisplayText.escaped).joined(separator: ", ")
                    print("allow \(DisplayText.escaped(subject.userName)) into \(grant.account) (granted by \(grantedBy))")
                case .failure(let denial):
                    print("deny \(DisplayText.escaped(subject.userName)): \(denial.reason.rawValue) (\(DisplayText.escaped(denial.detail)))")
                    throw ExitCode(ExitStatus.denied.rawValue)
                }
            }
        }
    }

    /// `scim-callout policy explain`
    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every binding, whether it applied and why, and the resulting permissions; exit codes as check.")

        @OptionGroup var question: Question

        func run() async throws {
            try await reportingErrors {
                let (policy, subject, context) = try await question.evaluate()
                // Each line escaped on its own: a newline in a name cannot forge a line.
                for line in policy.explain(subject, context: context) { print(DisplayText.escaped(line)) }
                if case .failure = policy.evaluate(subject, context: context).result {
                    throw ExitCode(ExitStatus.denied.rawValue)
                }
            }
        }
    }
}

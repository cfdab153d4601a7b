import ArgumentParser
import AuthCallout
import Foundation
import IdentityStore
import Logging
import OIDC
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

        @Option(help: "The SCIM userName to ask about (or give --token-file).")
        var user: String?

        @Option(name: .customLong("token-file"),
                help: ArgumentHelp("Ask about the SCIM user an IdP token names, and show the mapping: a file holding the token, "
                                   + "or - for stdin (never on the command line). Fetches the issuer's keys (oidc.issuers).",
                                   valueName: "path"))
        var tokenFile: String?

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
            try await evaluateWithMapping().0
        }

        /// The question, and for a token the lines that show how it was mapped to a SCIM user.
        func evaluateWithMapping() async throws -> ((Policy, PolicySubject, ConnectContext), [String]) {
            let configuration = try options.load()
            var mapping: [String] = []
            var key: CredentialKey?
            var user = self.user
            if let tokenFile {
                guard self.user == nil else { throw CLIError(.usage, "give --user or --token-file, not both") }
                let token = try Self.readToken(tokenFile)
                let verified = try await Self.verify(token, issuers: configuration.oidc.issuers)
                mapping = [
                    "token: issuer \(DisplayText.escaped(verified.issuer)), kid \(DisplayText.escaped(verified.keyID)), "
                        + "\(verified.algorithm.rawValue), sub \(DisplayText.escaped(verified.subject ?? "-")), "
                        + "expires \(verified.expires.formatted(.iso8601))",
                    "mapping: \(DisplayText.escaped(verified.mapping.claim)) = \(DisplayText.escaped(verified.mappedValue)) "
                        + "→ SCIM \(verified.mapping.attribute.rawValue)",
                ]
                key = verified.credentialKey
                user = verified.mappedValue
            }
            guard let user else { throw CLIError(.usage, "give --user <userName> or --token-file <path>") }
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
                subject = try await StoreAccess.policySubject(key: key ?? .userName(user), configuration: configuration)
                if key != nil { mapping.append("SCIM user: \(DisplayText.escaped(subject.userName)) (\(subject.id))") }
            } else {
                subject = PolicySubject(userName: user, id: user, groups: groups.map { .init(displayName: $0) })
            }
            return ((policy, subject, context), mapping)
        }

        /// The token in `path` (`-`: stdin), without surrounding whitespace.
        static func readToken(_ path: String) throws -> String {
            let data: Data?
            if path == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                data = FileManager.default.contents(atPath: path)
            }
            guard let data, let text = String(data: data, encoding: .utf8) else {
                throw CLIError(.notFound, "cannot read a token from \(path)")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Verifies `token` as the callout would, with keys fetched now.
        static func verify(_ token: String, issuers: [OIDCIssuer]) async throws -> VerifiedToken {
            guard !issuers.isEmpty else { throw CLIError(.configuration, "oidc.issuers is empty: no issuer can verify a token") }
            let keys = OIDCKeyStore(issuers: issuers, logger: Logger(label: "policy", factory: { _ in SwiftLogNoOpLogHandler() }))
            await keys.refreshAll()
            var verification = keys.verify(token)
            if case let .unknownKey(issuer, _) = verification { verification = await keys.verifyAfterRefetch(token, issuer: issuer) }
            switch verification {
            case let .verified(verified): return verified
            case let .failed(failure):
                // The decision log's reason codes for the same failures.
                let reason = switch failure.code {
                case .invalid: "token_invalid"
                case .expired: "token_expired"
                case .notYetValid: "token_not_yet_valid"
                case .unknownIssuer: "unknown_issuer"
                case .issuerUnavailable: "issuer_unavailable"
                }
                throw CLIError(.denied, "token refused: \(reason) (\(DisplayText.escaped(failure.detail)))")
            case .unknownKey: throw CLIError(.denied, "token refused: no key of the issuer has its kid")
            }
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
                let ((policy, subject, context), mapping) = try await question.evaluateWithMapping()
                // Each line escaped on its own: a newline in a name cannot forge a line.
                for line in mapping { print(DisplayText.escaped(line)) }
                for line in policy.explain(subject, context: context) { print(DisplayText.escaped(line)) }
                if case .failure = policy.evaluate(subject, context: context).result {
                    throw ExitCode(ExitStatus.denied.rawValue)
                }
            }
        }
    }
}

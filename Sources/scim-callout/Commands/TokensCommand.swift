import ArgumentParser
import Foundation
import IdentityStore

/// `scim-callout tokens issue|rotate|list|revoke`
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "SCIM bearer tokens (for the IdP) and per-user NATS access tokens: issue, rotate, list, revoke.",
        discussion: """
            A token is shown once, when issued; the store keeps only its hash. SCIM tokens \
            authenticate the IdP at /scim/v2; NATS access tokens let a user connect with \
            `token` instead of a password. A SCIM token may expire (--expires-in); `rotate` \
            issues its successor and lets the old one work for an overlap while the IdP is switched.
            """,
        subcommands: [Issue.self, Rotate.self, List.self, Revoke.self]
    )

    /// Which kind of token: chosen with `--scim` or `--nats`.
    struct Kind: ParsableArguments {
        @Flag(help: "A SCIM bearer token for an IdP.")
        var scim = false

        @Flag(help: "A NATS access token for one user (--user).")
        var nats = false

        func validate() throws {
            if scim == nats { throw ValidationError("choose one of --scim or --nats") }
        }
    }

    /// `scim-callout tokens issue`
    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a token and print it once (stdout); its id and name go to stderr.")

        @OptionGroup var options: ConfigOptions
        @OptionGroup var kind: Kind

        @Option(help: "A label for the token, e.g. okta-prod or alice-laptop.")
        var name: String

        @Option(help: "The SCIM userName the NATS access token belongs to (--nats only).")
        var user: String?

        @Option(help: ArgumentHelp("Expire after this long (e.g. 90d); never when omitted.", valueName: "duration"))
        var expiresIn: String?

        @Flag(help: "Print only the token (for scripts).")
        var quiet = false

        func validate() throws {
            if kind.nats && user == nil { throw ValidationError("--nats needs --user <userName>") }
            if kind.scim && user != nil { throw ValidationError("--user applies to --nats tokens only") }
            if let expiresIn { _ = try TokensCommand.positiveDuration(expiresIn, option: "--expires-in") }
        }

        func run() async throws {
            try await reportingErrors {
                let configuration = try options.load()
                TokensCommand.warnIfReplicated(configuration)
                let database = try StoreAccess.open(configuration)
                let issued: IssuedToken
                let expiry = try expiresIn.map {
                    Date().addingTimeInterval(try TokensCommand.positiveDuration($0, option: "--expires-in"))
                }
                if kind.scim {
                    issued = try await StoreAccess.mapErrors { try await database.issueSCIMToken(name: name, expiresAt: expiry) }
                } else {
                    let user = self.user ?? ""
                    guard try await StoreAccess.mapErrors({ try await database.user(userName: user) }) != nil else {
                        throw CLIError(.notFound, "no user with userName \(user)")
                    }
                    issued = try await StoreAccess.mapErrors {
                        try await database.issueAccessToken(userName: user, name: name, expiresAt: expiry)
                    }
                }
                print(issued.token)
                if !quiet {
                    printNote("issued \(kind.scim ? "SCIM" : "NATS access") token \(issued.info.id) (\(issued.info.name)); "
                              + "it is shown only now")
                }
            }
        }
    }

    /// `scim-callout tokens rotate`
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a successor for a SCIM token and let the old one expire after an overlap.",
            discussion: """
                The new token is printed once (stdout). Every valid SCIM token with the given name \
                (or id) keeps working for the overlap, so the IdP can be switched to the new token \
                without a failed request; after the overlap only the new token works. The successor \
                keeps the old token's lifetime unless --expires-in says otherwise.
                """)

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The token's name (or id), as `tokens list --scim` shows it.")
        var name: String

        @Option(help: ArgumentHelp("How long the old token keeps working (e.g. 7d; 0s ends it now).", valueName: "duration"))
        var overlap: String

        @Option(help: ArgumentHelp("The new token's lifetime (e.g. 90d); default: the old token's.", valueName: "duration"))
        var expiresIn: String?

        @Flag(help: "Print only the token (for scripts).")
        var quiet = false

        func validate() throws {
            _ = try TokensCommand.duration(overlap, option: "--overlap")
            if let expiresIn { _ = try TokensCommand.positiveDuration(expiresIn, option: "--expires-in") }
        }

        func run() async throws {
            try await reportingErrors {
                let overlap = try TokensCommand.duration(self.overlap, option: "--overlap")
                let lifetime = try expiresIn.map { try TokensCommand.positiveDuration($0, option: "--expires-in") }
                let configuration = try options.load()
                TokensCommand.warnIfReplicated(configuration)
                let database = try StoreAccess.open(configuration)
                let rotated = try await StoreAccess.mapErrors {
                    try await database.rotateSCIMToken(nameOrId: name, overlap: overlap, lifetime: lifetime)
                }
                print(rotated.successor.token)
                if !quiet {
                    let successor = rotated.successor.info
                    printNote("issued SCIM token \(successor.id) (\(DisplayText.escaped(successor.name))), expires "
                              + "\(successor.expiresAt.map(Table.time) ?? "never"); it is shown only now")
                    for old in rotated.predecessors {
                        printNote("SCIM token \(old.id) keeps working until \(old.expiresAt.map(Table.time) ?? "never")")
                    }
                }
            }
        }
    }

    /// `scim-callout tokens list`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their values).")

        @OptionGroup var options: ConfigOptions
        @OptionGroup var kind: Kind

        @Option(help: "Only this user's NATS access tokens.")
        var user: String?

        @Flag(help: "JSON lines instead of a table (null for absent values; see docs/operations.md).")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let database = try StoreAccess.open(try options.load())
                let tokens = try await StoreAccess.mapErrors {
                    kind.scim ? try await database.listSCIMTokens() : try await database.listAccessTokens(userName: user)
                }
                let now = Date()
                if json {
                    for token in tokens { print(try TokenListEntry(token, scim: kind.scim, now: now).jsonLine()) }
                    return
                }
                let rows = tokens.map { token in
                    [token.id, token.name, token.userId ?? "-", Table.time(token.created),
                     token.expiresAt.map(Table.time) ?? "never",
                     kind.scim ? token.lastUsedAt.map(Table.time) ?? "never" : "-",
                     token.revokedAt.map { "revoked \(Table.time($0))" } ?? (token.isValid(at: now) ? "valid" : "expired")]
                }
                Table.print(header: ["ID", "NAME", "USER", "CREATED", "EXPIRES", "LAST_USED", "STATE"], rows: rows, json: false)
            }
        }
    }

    /// `scim-callout tokens revoke`
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id (see `tokens list`).")

        @OptionGroup var options: ConfigOptions
        @OptionGroup var kind: Kind

        @Argument(help: "The token id.")
        var id: String

        func run() async throws {
            try await reportingErrors {
                let configuration = try options.load()
                TokensCommand.warnIfReplicated(configuration)
                let database = try StoreAccess.open(configuration)
                try await StoreAccess.mapErrors {
                    kind.scim ? try await database.revokeSCIMToken(id: id) : try await database.revokeAccessToken(id: id)
                }
                print("revoked \(id)")
            }
        }
    }

    /// Tokens live in each replica's own store (the change stream carries users and groups only),
    /// so an operator issuing or revoking one on a replicated installation must do it on every
    /// replica; said on stderr every time, `--quiet` or not.
    static func warnIfReplicated(_ configuration: Configuration) {
        guard configuration.replication.enabled else { return }
        printWarning("replication is enabled, but tokens are not replicated: this changes replica "
                     + "\(DisplayText.escaped(configuration.replication.replicaID)) only; repeat it on every replica "
                     + "(docs/high-availability.md#replicated-writes)")
    }

    /// `text` as a positive number of seconds, or a usage error naming `option`.
    static func positiveDuration(_ text: String, option: String) throws -> TimeInterval {
        let seconds = try duration(text, option: option)
        guard seconds > 0 else { throw ValidationError("\(option) \(text) must be longer than zero") }
        return seconds
    }

    /// `text` (`7d`, `12h`, `0s`) as seconds, or a usage error naming `option`.
    static func duration(_ text: String, option: String) throws -> TimeInterval {
        try DurationOption.seconds(text, option: option, examples: "90d or 12h")
    }
}

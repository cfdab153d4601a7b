import ArgumentParser
import Foundation
import IdentityStore

/// `scim-callout tokens issue|list|revoke`
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "SCIM bearer tokens (for the IdP) and per-user NATS access tokens: issue, list, revoke.",
        discussion: """
            A token is shown once, when issued; the store keeps only its hash. SCIM tokens \
            authenticate the IdP at /scim/v2; NATS access tokens let a user connect with \
            `token` instead of a password.
            """,
        subcommands: [Issue.self, List.self, Revoke.self]
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

        @Option(help: ArgumentHelp("Expire after this long (e.g. 30d; --nats only).", valueName: "duration"))
        var expiresIn: String?

        @Flag(help: "Print only the token (for scripts).")
        var quiet = false

        func validate() throws {
            if kind.nats && user == nil { throw ValidationError("--nats needs --user <userName>") }
            if kind.scim && (user != nil || expiresIn != nil) {
                throw ValidationError("--user and --expires-in apply to --nats tokens only")
            }
            if let expiresIn, DurationText.parse(expiresIn.lowercased()) == nil {
                throw ValidationError("--expires-in \(expiresIn) is not a duration such as 30d or 12h")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let database = try StoreAccess.open(try options.load())
                let issued: IssuedToken
                if kind.scim {
                    issued = try await StoreAccess.mapErrors { try await database.issueSCIMToken(name: name) }
                } else {
                    let user = self.user ?? ""
                    let expiry = expiresIn.flatMap { DurationText.parse($0.lowercased()) }.map {
                        Date().addingTimeInterval(TimeInterval($0.components.seconds))
                    }
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

    /// `scim-callout tokens list`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their values).")

        @OptionGroup var options: ConfigOptions
        @OptionGroup var kind: Kind

        @Option(help: "Only this user's NATS access tokens.")
        var user: String?

        @Flag(help: "JSON lines instead of a table.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let database = try StoreAccess.open(try options.load())
                let tokens = try await StoreAccess.mapErrors {
                    kind.scim ? try await database.listSCIMTokens() : try await database.listAccessTokens(userName: user)
                }
                let now = Date()
                let rows = tokens.map { token in
                    [token.id, token.name, token.userId ?? "-", Table.time(token.created),
                     token.expiresAt.map(Table.time) ?? "never",
                     token.revokedAt.map { "revoked \(Table.time($0))" } ?? (token.isValid(at: now) ? "valid" : "expired")]
                }
                Table.print(header: ["ID", "NAME", "USER", "CREATED", "EXPIRES", "STATE"], rows: rows, json: json)
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
                let database = try StoreAccess.open(try options.load())
                try await StoreAccess.mapErrors {
                    kind.scim ? try await database.revokeSCIMToken(id: id) : try await database.revokeAccessToken(id: id)
                }
                print("revoked \(id)")
            }
        }
    }
}

import ArgumentParser
import Foundation
import IdentityStore

/// `scim-callout users [list|show]`: read-only views of SCIM-provisioned users.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Read-only views of the users in the store (changes come from the IdP over SCIM).",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    /// `scim-callout users list`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users with their state and groups.")

        @OptionGroup var options: ConfigOptions
        @OptionGroup var page: PageOptions

        func run() async throws {
            try await reportingErrors {
                let database = try StoreAccess.open(try options.load())
                let result = try await StoreAccess.mapErrors {
                    try await database.users(startIndex: page.start, count: page.count)
                }
                let rows = result.items.map { user in
                    [user.userName, user.id, user.active ? "active" : "inactive", user.hasPassword ? "yes" : "no",
                     (user.groups ?? []).map(\.displayName).joined(separator: ","), Table.time(user.lastModified)]
                }
                Table.print(header: ["USERNAME", "ID", "STATE", "PASSWORD", "GROUPS", "MODIFIED"], rows: rows, json: page.json)
                if !page.json { print("\(result.items.count) of \(result.totalResults) users") }
            }
        }
    }

    /// `scim-callout users show`
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one user by userName (exit 66 if unknown).")

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The SCIM userName.")
        var userName: String

        func run() async throws {
            try await reportingErrors {
                let database = try StoreAccess.open(try options.load())
                guard let user = try await StoreAccess.mapErrors({ try await database.user(userName: userName) }) else {
                    throw CLIError(.notFound, "no user with userName \(userName)")
                }
                let subject = try await StoreAccess.mapErrors { try database.identity(for: .id(user.id)) }
                print("userName: \(DisplayText.escaped(user.userName))")
                print("id: \(user.id)")
                if let externalId = user.externalId { print("externalId: \(DisplayText.escaped(externalId))") }
                if let displayName = user.displayName { print("displayName: \(DisplayText.escaped(displayName))") }
                print("active: \(user.active)")
                print("password: \(user.hasPassword ? "set" : "none")")
                print("groups: \((subject?.groups ?? []).map { DisplayText.escaped($0.displayName) }.joined(separator: ", "))")
                print("nkeys: \((subject?.nkeys ?? []).map(DisplayText.escaped).joined(separator: ", "))")
                print("modified: \(Table.time(user.lastModified)) (version \(user.version))")
            }
        }
    }
}

/// `--start`, `--count` and `--json` for list commands.
struct PageOptions: ParsableArguments {
    @Option(help: "1-based index of the first row.")
    var start = 1

    @Option(help: "Rows to show.")
    var count = 100

    @Flag(help: "JSON lines instead of a table.")
    var json = false

    func validate() throws {
        if start < 1 { throw ValidationError("--start must be 1 or more") }
        if count < 1 || count > 10_000 { throw ValidationError("--count must be between 1 and 10000") }
    }
}

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
            let header = ["USERNAME", "ID", "STATE", "PASSWORD", "GROUPS", "MODIFIED"]
            try await page.list("users", from: options, header: header) {
                try await $0.users(startIndex: $1, count: $2)
            } row: { _, user in
                [user.userName, user.id, user.active ? "active" : "inactive", user.hasPassword ? "yes" : "no",
                 (user.groups ?? []).map(\.displayName).joined(separator: ","), Table.time(user.lastModified)]
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

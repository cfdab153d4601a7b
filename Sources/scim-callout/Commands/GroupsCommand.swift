import ArgumentParser
import Foundation
import IdentityStore

/// `scim-callout groups [list|show]`: read-only views of SCIM-provisioned groups.
struct GroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "Read-only views of the groups in the store and their members.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    /// `scim-callout groups list`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List groups with their member counts.")

        @OptionGroup var options: ConfigOptions
        @OptionGroup var page: PageOptions

        func run() async throws {
            try await page.list("groups", from: options, header: ["DISPLAYNAME", "ID", "EXTERNALID", "MEMBERS"]) {
                try await $0.groups(startIndex: $1, count: $2)
            } row: { database, group in
                let members = try await database.memberCount(groupId: group.id)
                return [group.displayName, group.id, group.externalId ?? "-", String(members)]
            }
        }
    }

    /// `scim-callout groups show`
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one group and its members, by displayName or id.")

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The group's displayName or SCIM id.")
        var group: String

        func run() async throws {
            try await reportingErrors {
                let database = try StoreAccess.open(try options.load())
                var found = try await StoreAccess.mapErrors { try await database.group(id: group) }
                if found == nil {
                    var start = 1
                    while found == nil {
                        let page = try await StoreAccess.mapErrors { try await database.groups(startIndex: start, count: 500) }
                        found = page.items.first { $0.displayName == group }
                        if page.items.isEmpty || start + page.items.count > page.totalResults { break }
                        start += page.items.count
                    }
                    if let match = found { found = try await StoreAccess.mapErrors { try await database.group(id: match.id) } }
                }
                guard let found else { throw CLIError(.notFound, "no group with displayName or id \(group)") }
                print("displayName: \(DisplayText.escaped(found.displayName))")
                print("id: \(found.id)")
                if let externalId = found.externalId { print("externalId: \(DisplayText.escaped(externalId))") }
                let members = found.members ?? []
                print("members (\(members.count)):")
                for member in members {
                    print("  \(DisplayText.escaped(member.display ?? "?")) (\(member.type) \(DisplayText.escaped(member.value)))")
                }
            }
        }
    }
}

import ArgumentParser

/// The `scim-callout` command line: serve, init, keys, tokens, users, groups, policy, decisions.
@main
struct SCIMCalloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scim-callout",
        abstract: "NATS auth callout answered from SCIM-provisioned identities.",
        version: BuildInfo.version,
        subcommands: [VersionCommand.self]
    )
}

/// `scim-callout version`
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")
    func run() { print("scim-callout \(BuildInfo.version)") }
}

enum BuildInfo {
    static let version = "0.1.0"
}

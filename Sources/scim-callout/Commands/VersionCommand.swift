import ArgumentParser

/// `scim-callout version`
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")
    func run() { print("scim-callout \(BuildInfo.version)") }
}

import ArgumentParser

/// `scim-callout config check|keys`
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate the configuration, or list every setting.",
        subcommands: [Check.self, Keys.self]
    )

    /// `scim-callout config check`
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration, the keys and the policy it names (exit 78 if not).")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await reportingErrors {
                let configuration = try options.load()
                try ServiceRuntime.checkFiles(configuration)
                let keys = try ServiceKeys.load(configuration)
                _ = try ServiceRuntime.loadPolicy(configuration)
                _ = try SchemaLocator.load(configuration.scim)
                print("configuration ok")
                print("issuer: \(keys.issuer.publicKey)")
                if let xkey = keys.xkey { print("xkey: \(xkey.publicKey)") }
            }
        }
    }

    /// `scim-callout config keys`
    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every setting with its environment variable, type and default.")

        @Flag(help: "Print a Markdown table (the one in docs/configuration.md).")
        var markdown = false

        func run() {
            if markdown {
                print("| Key | Environment variable | Type | Default | Meaning |")
                print("|---|---|---|---|---|")
                for key in ConfigurationKey.all {
                    let env = key.isSecret ? "`\(key.environmentVariable)`, `…_FILE`" : "`\(key.environmentVariable)`"
                    func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
                    print("| `\(key.path)` | \(env) | \(cell(key.type)) | \(cell(key.defaultValue)) | \(cell(key.summary)) |")
                }
            } else {
                for key in ConfigurationKey.all {
                    print("\(key.path)  (\(key.environmentVariable)\(key.isSecret ? ", or _FILE" : ""))")
                    print("    \(key.type), default \(key.defaultValue). \(key.summary)")
                }
            }
        }
    }
}

import ArgumentParser
import Foundation

/// `--config` and `--data-dir`, shared by every command that reads the configuration.
struct ConfigOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp(
        "YAML configuration file (default: $SCIM_CALLOUT_CONFIG, else <data-dir>/config.yaml if present).",
        valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp(
        "Folder relative paths resolve against (default: $SCIM_CALLOUT_DATA_DIR, else the config file's folder, else ./data).",
        valueName: "dir"))
    var dataDir: String?

    /// The configuration file to read, if any.
    func configFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let config { return URL(fileURLWithPath: config) }
        if let path = environment["SCIM_CALLOUT_CONFIG"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let fallback = dataDirectory(environment: environment) ?? URL(fileURLWithPath: "data")
        let candidate = fallback.appendingPathComponent("config.yaml")
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }

    func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let dataDir { return URL(fileURLWithPath: dataDir) }
        if let path = environment["SCIM_CALLOUT_DATA_DIR"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return nil
    }

    /// Loads and validates the configuration, printing warnings to standard error.
    func load() throws(ConfigurationError) -> Configuration {
        let environment = ProcessInfo.processInfo.environment
        let result = try ConfigurationLoader(environment: environment)
            .load(file: configFile(environment: environment), dataDirectory: dataDirectory(environment: environment))
        result.warnings.forEach(printWarning)
        return result.configuration
    }
}

/// A configuration problem, naming the key (as written in YAML and as its environment variable)
/// and saying what to fix. Never carries a secret value.
struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        /// The file cannot be read or is not valid YAML.
        case unreadableFile
        /// A key that no setting has (likely a typo).
        case unknownKey
        /// A value of the wrong type or out of range.
        case invalidValue
        /// A combination of settings that cannot work together.
        case conflict
        /// A file a setting names is missing or unreadable.
        case missingFile
    }

    var code: Code
    /// The key path, e.g. `nats.tls.ca_file`; empty for whole-file problems.
    var key: String
    /// What is wrong and what to do about it.
    var message: String
    /// Where the key came from: `config.yaml:12` or `SCIM_CALLOUT_NATS_URLS`.
    var source: String?

    var description: String {
        let location = source.map { " (\($0))" } ?? ""
        return key.isEmpty ? "\(source ?? "configuration"): \(message)" : "\(key)\(location): \(message)"
    }
}

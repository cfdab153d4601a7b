import Foundation
import Yams

/// Builds a `Configuration` from the defaults, one YAML file and `SCIM_CALLOUT_*` environment
/// variables (in that order of precedence), then validates it.
///
/// Secrets (`nats.password`, …) can also be given as `<key>_file` / `<VARIABLE>_FILE`, whose
/// contents are read (trailing newline dropped). Relative paths resolve against the data
/// directory. Every error names the key, where it came from, and what to change.
struct ConfigurationLoader: Sendable {
    /// The process environment (injected so tests need not touch the real one).
    var environment: [String: String]

    /// Environment variables that start with `SCIM_CALLOUT_` but are not settings.
    static let nonSettingVariables: Set<String> = [
        "SCIM_CALLOUT_CONFIG", "SCIM_CALLOUT_DATA_DIR", "SCIM_CALLOUT_VENV", "SCIM_CALLOUT_BIN", "SCIM_CALLOUT_BENCH_OUTPUT",
    ]

    /// The loaded configuration plus anything worth a warning (e.g. an unknown variable).
    struct Result: Sendable {
        var configuration: Configuration
        var warnings: [String]
    }

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Loads `file` (nil: defaults and environment only); relative paths resolve against
    /// `dataDirectory`, which defaults to the file's folder.
    func load(file: URL?, dataDirectory: URL? = nil) throws(ConfigurationError) -> Result {
        var yaml: String?
        if let file {
            do {
                yaml = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw ConfigurationError(code: .unreadableFile, key: "",
                                         message: "cannot read the configuration file: \(Self.reason(error))",
                                         source: file.path)
            }
        }
        let base = dataDirectory ?? file?.deletingLastPathComponent() ?? URL(fileURLWithPath: "data")
        return try load(yaml: yaml, source: file?.lastPathComponent ?? "defaults", baseDirectory: base)
    }

    /// Loads configuration text; `source` names it in error messages.
    func load(yaml: String?, source: String, baseDirectory: URL) throws(ConfigurationError) -> Result {
        var configuration = Configuration()
        var warnings: [String] = []
        if let yaml {
            let entries = try Self.flatten(yaml: yaml, source: source)
            try apply(entries, to: &configuration, baseDirectory: baseDirectory)
        }
        let (entries, unknown) = environmentEntries()
        warnings += unknown.map { "\($0) is not a scim-callout setting and is ignored (see docs/configuration.md)" }
        try apply(entries, to: &configuration, baseDirectory: baseDirectory)
        configuration.resolvePaths(against: baseDirectory)
        try ConfigurationValidator.validate(&configuration)
        return Result(configuration: configuration, warnings: warnings)
    }

    // MARK: - Layers

    /// One value from one layer: a setting's value, or the file its secret is read from.
    struct Entry: Sendable {
        var key: ConfigurationKey
        var value: ConfigurationKey.RawValue
        var isSecretFile: Bool
        var source: String
    }

    private func apply(_ entries: [Entry], to configuration: inout Configuration,
                       baseDirectory: URL) throws(ConfigurationError) {
        var seen: [String: Entry] = [:]
        for entry in entries {
            if let other = seen[entry.key.path], other.isSecretFile != entry.isSecretFile {
                throw ConfigurationError(code: .conflict, key: entry.key.path,
                                         message: "set either \(entry.key.path) or \(entry.key.path)_file, not both",
                                         source: entry.source)
            }
            seen[entry.key.path] = entry
            var value = entry.value
            if entry.isSecretFile {
                value = .scalar(try Self.readSecret(entry, baseDirectory: baseDirectory))
            }
            do {
                try entry.key.apply(&configuration, value, entry.key.path)
            } catch var error as ConfigurationError {
                error.source = entry.source
                throw error
            } catch {
                throw ConfigurationError(code: .invalidValue, key: entry.key.path, message: "\(error)", source: entry.source)
            }
        }
    }

    private static func readSecret(_ entry: Entry, baseDirectory: URL) throws(ConfigurationError) -> String {
        let key = entry.key.path + "_file"
        guard case .scalar(let rawPath) = entry.value, !rawPath.isEmpty else {
            throw ConfigurationError(code: .invalidValue, key: key, message: "expected a file path", source: entry.source)
        }
        let url = Configuration.resolve(rawPath, against: baseDirectory)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(code: .missingFile, key: key,
                                     message: "cannot read \(url.path): \(reason(error))", source: entry.source)
        }
        // Only the line ending is dropped: a secret may legitimately contain spaces.
        var secret = Substring(text)
        while secret.last == "\n" || secret.last == "\r" { secret = secret.dropLast() }
        guard !secret.isEmpty else {
            throw ConfigurationError(code: .invalidValue, key: key, message: "\(url.path) is empty", source: entry.source)
        }
        return String(secret)
    }

    private func environmentEntries() -> (entries: [Entry], unknown: [String]) {
        var entries: [Entry] = []
        var known = Self.nonSettingVariables
        for key in ConfigurationKey.all {
            let variable = key.environmentVariable
            known.insert(variable)
            // Empty counts as unset, as `${VAR:-}` in compose files produces it.
            if let value = environment[variable], !value.isEmpty {
                entries.append(Entry(key: key, value: .scalar(value), isSecretFile: false, source: variable))
            }
            if key.isSecret {
                known.insert(variable + "_FILE")
                if let path = environment[variable + "_FILE"], !path.isEmpty {
                    entries.append(Entry(key: key, value: .scalar(path), isSecretFile: true, source: variable + "_FILE"))
                }
            }
        }
        let unknown = environment.keys.filter { $0.hasPrefix("SCIM_CALLOUT_") && !known.contains($0) }.sorted()
        return (entries, unknown)
    }

    // MARK: - YAML

    /// Flattens the YAML mapping into dotted keys, rejecting unknown ones with a suggestion.
    static func flatten(yaml: String, source: String) throws(ConfigurationError) -> [Entry] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(code: .unreadableFile, key: "", message: "not valid YAML: \(reason(error))",
                                     source: source)
        }
        guard let root else { return [] }
        guard case .mapping(let mapping) = root else {
            throw ConfigurationError(code: .unreadableFile, key: "",
                                     message: "expected a mapping of sections (nats:, http:, …) at the top level",
                                     source: source)
        }
        var entries: [Entry] = []
        try flatten(mapping, prefix: "", source: source, into: &entries)
        return entries
    }

    private static func flatten(_ mapping: Node.Mapping, prefix: String, source: String,
                                into entries: inout [Entry]) throws(ConfigurationError) {
        for (keyNode, valueNode) in mapping {
            guard let name = keyNode.scalar?.string else {
                throw ConfigurationError(code: .unreadableFile, key: prefix, message: "keys must be plain strings",
                                         source: location(source, keyNode))
            }
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            let where_ = location(source, keyNode)
            if case .mapping(let child) = valueNode {
                guard isSection(path) else {
                    throw unknownOrMisplaced(path, source: where_, isSection: true)
                }
                try flatten(child, prefix: path, source: source, into: &entries)
                continue
            }
            let value: ConfigurationKey.RawValue
            switch valueNode {
            case .scalar(let scalar):
                value = .scalar(valueNode.null != nil ? "" : scalar.string)
            case .sequence(let sequence) where sequence.contains(where: { if case .mapping = $0 { true } else { false } }):
                value = .records(try records(sequence, path: path, source: source))
            case .sequence(let sequence):
                var items: [String] = []
                for item in sequence {
                    guard let text = item.scalar?.string else {
                        throw ConfigurationError(code: .invalidValue, key: path, message: "list items must be plain values",
                                                 source: location(source, item))
                    }
                    items.append(text)
                }
                value = .list(items)
            default:
                throw ConfigurationError(code: .invalidValue, key: path, message: "YAML aliases are not supported",
                                         source: where_)
            }
            if let key = ConfigurationKey.named(path) {
                entries.append(Entry(key: key, value: value, isSecretFile: false, source: where_))
            } else if path.hasSuffix("_file"), let key = ConfigurationKey.named(String(path.dropLast(5))), key.isSecret {
                entries.append(Entry(key: key, value: value, isSecretFile: true, source: where_))
            } else if isSection(path) {
                throw ConfigurationError(code: .invalidValue, key: path,
                                         message: "is a section: write its keys indented below it (see docs/configuration.md)",
                                         source: where_)
            } else {
                throw unknownOrMisplaced(path, source: where_, isSection: false)
            }
        }
    }

    /// A list of flat mappings (`oidc.issuers`): each value a plain value or a list of them.
    private static func records(_ sequence: Node.Sequence, path: String,
                                source: String) throws(ConfigurationError) -> [[String: [String]]] {
        var records: [[String: [String]]] = []
        for item in sequence {
            guard case .mapping(let mapping) = item else {
                throw ConfigurationError(code: .invalidValue, key: path, message: "every list item must be a mapping",
                                         source: location(source, item))
            }
            var record: [String: [String]] = [:]
            for (keyNode, valueNode) in mapping {
                guard let name = keyNode.scalar?.string else {
                    throw ConfigurationError(code: .invalidValue, key: path, message: "keys must be plain strings",
                                             source: location(source, keyNode))
                }
                switch valueNode {
                case .scalar(let scalar):
                    record[name] = [scalar.string]
                case .sequence(let values):
                    var strings: [String] = []
                    for value in values {
                        guard let text = value.scalar?.string else {
                            throw ConfigurationError(code: .invalidValue, key: "\(path).\(name)", message: "list items must be plain values",
                                                     source: location(source, value))
                        }
                        strings.append(text)
                    }
                    record[name] = strings
                default:
                    throw ConfigurationError(code: .invalidValue, key: "\(path).\(name)", message: "expected a value or a list of values",
                                             source: location(source, valueNode))
                }
            }
            records.append(record)
        }
        return records
    }

    private static let sections: Set<String> = {
        var result = Set<String>()
        for key in ConfigurationKey.all {
            var parts = key.path.split(separator: ".").dropLast()
            while !parts.isEmpty {
                result.insert(parts.joined(separator: "."))
                parts = parts.dropLast()
            }
        }
        return result
    }()

    private static func isSection(_ path: String) -> Bool { sections.contains(path) }

    private static func unknownOrMisplaced(_ path: String, source: String, isSection: Bool) -> ConfigurationError {
        let candidates = ConfigurationKey.all.map(\.path) + ConfigurationKey.all.filter(\.isSecret).map { $0.path + "_file" }
        let best = candidates.min { editDistance($0, path) < editDistance($1, path) }
        var message = "unknown key"
        if let best, editDistance(best, path) <= max(3, path.count / 4) { message += "; did you mean \(best)?" }
        else { message += "; see docs/configuration.md for every key" }
        return ConfigurationError(code: .unknownKey, key: path, message: message, source: source)
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }

    private static func location(_ source: String, _ node: Node) -> String {
        node.mark.map { "\(source):\($0.line)" } ?? source
    }

    /// An error's reason without its full Foundation dump.
    static func reason(_ error: any Error) -> String {
        if let error = error as? YamlError { return "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)" }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.code == NSFileReadNoSuchFileError ? "no such file" : nsError.localizedDescription
    }
}

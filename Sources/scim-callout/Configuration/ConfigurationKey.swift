import Foundation
import Logging

/// One setting: its YAML key path, its environment variable, how to parse it, and its docs.
///
/// `ConfigurationKey.all` is the single list of settings: the loader, `--help`-style listings
/// (`scim-callout init --print-keys`) and `docs/configuration.md` all come from it, so a key
/// cannot exist in one and be missing from another.
struct ConfigurationKey: Sendable {
    /// A raw value before parsing: YAML scalars and environment variables are `.scalar`.
    enum RawValue: Sendable, Equatable {
        case scalar(String)
        case list([String])
        /// A YAML list of mappings (`oidc.issuers`): each field's value as one or more strings.
        case records([[String: [String]]])
    }

    /// The dotted key path as written in YAML, e.g. `nats.tls.ca_file`.
    let path: String
    /// The value's type as shown in the docs.
    let type: String
    /// The default, as shown in the docs.
    let defaultValue: String
    /// What the setting does.
    let summary: String
    /// Secrets also accept `<key>_file`, read from a file, and are never echoed.
    let isSecret: Bool
    /// Parses the value into the configuration; throws only `ConfigurationError`.
    let apply: @Sendable (inout Configuration, RawValue, _ key: String) throws -> Void

    /// `SCIM_CALLOUT_NATS_TLS_CA_FILE` for `nats.tls.ca_file`.
    var environmentVariable: String { Self.environmentVariable(for: path) }

    static func environmentVariable(for path: String) -> String {
        "SCIM_CALLOUT_" + path.replacingOccurrences(of: ".", with: "_").uppercased()
    }

    /// The key looked up by its YAML path.
    static func named(_ path: String) -> ConfigurationKey? { byPath[path] }

    private static let byPath: [String: ConfigurationKey] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.path, $0) })
}

// MARK: - Declaring settings

extension ConfigurationKey {
    /// A setting that `parse` reads into `field`: each entry of `all` names only what differs
    /// between settings.
    init<Value>(
        _ path: String, _ type: String, default defaultValue: String,
        _ field: WritableKeyPath<Configuration, Value> & Sendable,
        _ parse: @escaping @Sendable (RawValue, _ key: String) throws(ConfigurationError) -> Value,
        _ summary: String
    ) {
        self.init(path: path, type: type, defaultValue: defaultValue, summary: summary, isSecret: false) {
            $0[keyPath: field] = try parse($1, $2)
        }
    }

    /// A secret: unset by default, also read from `<path>_file`, never echoed.
    static func secret(
        _ path: String, _ field: WritableKeyPath<Configuration, Secret?> & Sendable, _ summary: String
    ) -> ConfigurationKey {
        ConfigurationKey(path: path, type: "secret", defaultValue: "unset", summary: summary, isSecret: true) {
            $0[keyPath: field] = try optionalString($1, $2).map(Secret.init)
        }
    }
}

// MARK: - Value parsing

extension ConfigurationKey {
    static func string(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> String {
        guard case .scalar(let text) = raw else {
            throw ConfigurationError(code: .invalidValue, key: key, message: "expected a single value, not a list")
        }
        return text
    }

    /// An optional string: empty means unset (so an environment variable can clear a file value).
    static func optionalString(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> String? {
        let text = try string(raw, key).trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    static func nonEmptyString(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> String {
        guard let text = try optionalString(raw, key) else {
            throw ConfigurationError(code: .invalidValue, key: key, message: "must not be empty")
        }
        return text
    }

    /// A list: a YAML sequence, or a comma-separated string (environment variables).
    static func list(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> [String] {
        switch raw {
        case .list(let items): return items.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .scalar(let text):
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .records:
            throw ConfigurationError(code: .invalidValue, key: key, message: "expected a list of plain values, not of mappings")
        }
    }

    static func positiveInteger(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> Int {
        let text = try string(raw, key).trimmingCharacters(in: .whitespaces)
        guard let value = Int(text), value > 0 else {
            throw ConfigurationError(code: .invalidValue, key: key, message: "expected a positive whole number, got \"\(text)\"")
        }
        return value
    }

    static func nonNegativeInteger(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> Int {
        let text = try string(raw, key).trimmingCharacters(in: .whitespaces)
        guard let value = Int(text), value >= 0 else {
            throw ConfigurationError(code: .invalidValue, key: key, message: "expected a whole number, 0 or more, got \"\(text)\"")
        }
        return value
    }

    /// `nice:N` (-20…19) or `fifo:N` (1…99); empty means unset.
    static func threadPriority(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> ThreadPriority? {
        guard let text = try optionalString(raw, key) else { return nil }
        guard let priority = ThreadPriority(parsing: text) else {
            throw ConfigurationError(code: .invalidValue, key: key,
                                     message: "expected nice:N with N from -20 to 19, or fifo:N with N from 1 to 99, got \"\(text)\"")
        }
        return priority
    }

    static func bool(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> Bool {
        switch try string(raw, key).lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        case let other:
            throw ConfigurationError(code: .invalidValue, key: key,
                                     message: "expected true or false, got \"\(other)\"")
        }
    }

    /// The parser for one of `T`'s cases, named by its raw value.
    static func choice<T: RawRepresentable & CaseIterable & Sendable>(
        _: T.Type
    ) -> @Sendable (RawValue, _ key: String) throws(ConfigurationError) -> T where T.RawValue == String {
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        return { raw, key throws(ConfigurationError) in
            let text = try string(raw, key).lowercased()
            guard let value = T(rawValue: text) else {
                throw ConfigurationError(code: .invalidValue, key: key,
                                         message: "expected one of \(allowed), got \"\(text)\"")
            }
            return value
        }
    }

    static func logLevel(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> Logger.Level {
        let text = try string(raw, key).lowercased()
        guard let level = Logger.Level(rawValue: text == "warn" ? "warning" : text) else {
            let allowed = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(code: .invalidValue, key: key,
                                     message: "expected one of \(allowed), got \"\(text)\"")
        }
        return level
    }

    /// `250ms`, `90s`, `15m`, `1h`, `7d`, or a bare number of seconds; must be positive.
    static func duration(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> Duration {
        let text = try string(raw, key).trimmingCharacters(in: .whitespaces).lowercased()
        guard let duration = DurationText.parse(text), duration > .zero else {
            throw ConfigurationError(code: .invalidValue, key: key,
                                     message: "expected a positive duration such as 90s, 15m, 1h or 7d, got \"\(text)\"")
        }
        return duration
    }

    static func listenAddress(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> ListenAddress {
        let text = try string(raw, key)
        guard let address = ListenAddress(parsing: text) else {
            throw ConfigurationError(code: .invalidValue, key: key,
                                     message: "expected host:port (e.g. 127.0.0.1:8080 or :8080), got \"\(text)\"")
        }
        return address
    }

    static func natsURLs(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> [String] {
        let urls = try list(raw, key)
        guard !urls.isEmpty else {
            throw ConfigurationError(code: .invalidValue, key: key, message: "needs at least one nats://host:port URL")
        }
        for url in urls {
            guard let components = URLComponents(string: url), let scheme = components.scheme,
                  ["nats", "tls"].contains(scheme), components.host?.isEmpty == false
            else {
                throw ConfigurationError(code: .invalidValue, key: key,
                                         message: "expected nats://host:port or tls://host:port, got \"\(url)\"")
            }
            guard components.user == nil, components.password == nil else {
                throw ConfigurationError(code: .invalidValue, key: key,
                                         message: "do not put credentials in URLs; use nats.user and nats.password_file")
            }
        }
        return urls
    }
}

import Foundation
import Yams

/// Reads a policy file (YAML) into a validated ``Policy``, reporting every problem with its line.
///
/// Unknown keys are errors (a typo must not silently drop a restriction). See `docs/policy.md`.
public enum PolicyParser {
    static let topLevelKeys: Set<String> = [
        "version", "account", "jwt_lifetime", "time_zone", "account_conflict", "default_binding", "bindings",
    ]
    static let bindingKeys: Set<String> = [
        "name", "group", "external_id", "account", "publish", "subscribe", "responses", "connection_types",
        "time_windows", "source_cidrs", "jwt_lifetime",
    ]

    /// Parses and validates `yaml`.
    /// - Parameter source: the file name used in error messages.
    /// - Throws: ``PolicyError`` listing every problem with its line and column.
    public static func parse(_ yaml: String, source: String = "policy") throws(PolicyError) -> Policy {
        var context = Context()
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw PolicyError(source: source, issues: [Self.issue(fromYAMLError: error)])
        }
        guard let root, case let .mapping(mapping) = root else {
            throw PolicyError(source: source, issues: [.init(line: 1, column: 1, message: "the policy must be a YAML mapping")])
        }
        let policy = context.policy(from: mapping, rootMark: root.mark)
        guard context.issues.isEmpty, let policy else {
            throw PolicyError(source: source, issues: context.issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return policy
    }

    /// Parses a policy file's bytes (UTF-8), as read by the caller.
    /// - Parameter source: the file name used in error messages.
    public static func parse(_ bytes: Data, source: String) throws(PolicyError) -> Policy {
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw PolicyError(source: source, issues: [.init(line: 0, column: 0, message: "the file is not UTF-8 text")])
        }
        return try parse(text, source: source)
    }

    /// Reads and parses the file at `url`.
    public static func load(contentsOf url: URL) throws(PolicyError) -> Policy {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PolicyError(source: url.lastPathComponent, issues: [.init(line: 0, column: 0, message: "cannot read the file: \(error.localizedDescription)")])
        }
        return try parse(text, source: url.lastPathComponent)
    }

    private static func issue(fromYAMLError error: any Error) -> PolicyError.Issue {
        if let yaml = error as? YamlError {
            switch yaml {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
                return .init(line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
            case let .duplicatedKeysInMapping(duplicates, context):
                return .init(line: context.mark.line, column: context.mark.column,
                             message: "duplicate keys: \(duplicates.joined(separator: ", "))")
            default:
                break
            }
        }
        return .init(line: 0, column: 0, message: "YAML error: \(error)")
    }

    /// Accumulates issues while walking the YAML tree.
    private struct Context {
        var issues: [PolicyError.Issue] = []

        mutating func report(_ node: Node?, _ message: String) {
            issues.append(.init(line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, message: message))
        }

        mutating func policy(from root: Node.Mapping, rootMark: Mark?) -> Policy? {
            let fields = keyedFields(root, allowed: PolicyParser.topLevelKeys, what: "top level")
            if let version = fields["version"] {
                if scalar(version.value, "version") != "1" { report(version.value, "version must be 1") }
            }
            var account: String?
            if let node = fields["account"] {
                account = accountName(node.value, "account")
            } else {
                issues.append(.init(line: rootMark?.line ?? 1, column: rootMark?.column ?? 1,
                                    message: "missing required key 'account' (the default target account)"))
            }
            var lifetime = Policy.standardLifetime
            if let node = fields["jwt_lifetime"], let value = self.lifetime(node.value) { lifetime = value }
            var timeZone = TimeZone(identifier: "UTC") ?? .current
            var timeZoneName = "UTC"
            if let node = fields["time_zone"], let name = scalar(node.value, "time_zone") {
                if let zone = TimeZone(identifier: name) {
                    timeZone = zone
                    timeZoneName = name
                } else {
                    report(node.value, "unknown time zone '\(name)'")
                }
            }
            var conflict = Policy.AccountConflictRule.deny
            if let node = fields["account_conflict"], let text = scalar(node.value, "account_conflict") {
                if let rule = Policy.AccountConflictRule(rawValue: text) {
                    conflict = rule
                } else {
                    report(node.value, "account_conflict must be one of: \(Policy.AccountConflictRule.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            var defaultBinding: GroupBinding?
            if let node = fields["default_binding"], !isNull(node.value) {
                defaultBinding = binding(node.value, isDefault: true)
            }
            var bindings: [GroupBinding] = []
            if let node = fields["bindings"] {
                if case let .sequence(sequence) = node.value {
                    for item in sequence { if let binding = binding(item, isDefault: false) { bindings.append(binding) } }
                } else if !isNull(node.value) {
                    report(node.value, "bindings must be a list")
                }
            }
            var seen: [String: Int] = [:]
            for binding in bindings {
                if let line = seen[binding.name] {
                    issues.append(.init(line: binding.line, column: 1, message: "binding name '\(binding.name)' is already used on line \(line)"))
                }
                seen[binding.name] = binding.line
            }
            guard let account else { return nil }
            return Policy(defaultAccount: account, defaultJWTLifetime: lifetime, defaultBinding: defaultBinding,
                          accountConflict: conflict, timeZone: timeZone, timeZoneName: timeZoneName, bindings: bindings)
        }

        mutating func binding(_ node: Node, isDefault: Bool) -> GroupBinding? {
            guard case let .mapping(mapping) = node else {
                report(node, isDefault ? "default_binding must be a mapping" : "each binding must be a mapping")
                return nil
            }
            var allowed = PolicyParser.bindingKeys
            if isDefault { allowed.subtract(["group", "external_id"]) }
            let fields = keyedFields(mapping, allowed: allowed, what: isDefault ? "default_binding" : "a binding")
            let issueCount = issues.count
            var match = GroupBinding.GroupMatch.noGroup
            var fallbackName = "default"
            if !isDefault {
                switch (fields["group"], fields["external_id"]) {
                case let (group?, nil):
                    if let name = nonEmptyScalar(group.value, "group") { match = .displayName(name); fallbackName = name }
                case let (nil, external?):
                    if let id = nonEmptyScalar(external.value, "external_id") { match = .externalId(id); fallbackName = id }
                case (_?, _?):
                    report(node, "a binding matches either 'group' (displayName) or 'external_id', not both")
                case (nil, nil):
                    report(node, "a binding needs 'group' (a SCIM group displayName) or 'external_id'")
                }
            }
            var name = fallbackName
            if let node = fields["name"], let text = nonEmptyScalar(node.value, "name") { name = text }
            var account: String?, responses: ResponseGrant?, types: Set<ConnectionType>?
            var windows: [TimeWindow]?, networks: [CIDRRange]?, lifetime: Duration?
            var publish = SubjectRules(), subscribe = SubjectRules()
            if let node = fields["account"] { account = accountName(node.value, "account") }
            if let node = fields["publish"] { publish = subjectRules(node.value, "publish", isDefault: isDefault) }
            if let node = fields["subscribe"] { subscribe = subjectRules(node.value, "subscribe", isDefault: isDefault) }
            if let node = fields["responses"] { responses = responsePermission(node.value) }
            if let node = fields["connection_types"] { types = connectionTypes(node.value) }
            if let node = fields["time_windows"] { windows = timeWindows(node.value) }
            if let node = fields["source_cidrs"] { networks = self.networks(node.value) }
            if let node = fields["jwt_lifetime"] { lifetime = self.lifetime(node.value) }
            guard issues.count == issueCount else { return nil }
            return GroupBinding(name: name, match: match, account: account, publish: publish, subscribe: subscribe,
                                responses: responses, connectionTypes: types, timeWindows: windows,
                                sourceNetworks: networks, jwtLifetime: lifetime, line: node.mark?.line ?? 0)
        }

        /// The mapping's values by key, reporting unknown, non-string and repeated keys.
        mutating func keyedFields(_ mapping: Node.Mapping, allowed: Set<String>, what: String) -> [String: (key: Node, value: Node)] {
            var result: [String: (key: Node, value: Node)] = [:]
            for (key, value) in mapping {
                guard case let .scalar(scalar) = key else { report(key, "keys must be plain strings"); continue }
                let name = scalar.string
                guard allowed.contains(name) else {
                    report(key, "unknown key '\(name)' in \(what) (allowed: \(allowed.sorted().joined(separator: ", ")))")
                    continue
                }
                if result[name] != nil { report(key, "key '\(name)' appears twice"); continue }
                result[name] = (key, value)
            }
            return result
        }

        func isNull(_ node: Node) -> Bool {
            if case let .scalar(scalar) = node { return scalar.tag == Tag(.null) || scalar.string.isEmpty && scalar.style == .plain }
            return false
        }

        mutating func scalar(_ node: Node, _ what: String) -> String? {
            guard case let .scalar(scalar) = node else { report(node, "\(what) must be a single value"); return nil }
            return scalar.string
        }

        mutating func nonEmptyScalar(_ node: Node, _ what: String) -> String? {
            guard let text = scalar(node, what) else { return nil }
            guard !text.isEmpty else { report(node, "\(what) must not be empty"); return nil }
            return text
        }

        mutating func list(_ node: Node, _ what: String) -> [Node]? {
            if case let .sequence(sequence) = node { return Array(sequence) }
            if isNull(node) { return [] }
            report(node, "\(what) must be a list")
            return nil
        }

        /// A list that, when present, must name something: an empty one is reported (`listing`
        /// says what to list) and read as nil, since it would otherwise allow nothing.
        mutating func nonEmptyList(_ node: Node, _ key: String, listing: String) -> [Node]? {
            guard let items = list(node, key) else { return nil }
            if items.isEmpty { report(node, "\(key) is empty: list \(listing) or leave the key out"); return nil }
            return items
        }

        mutating func accountName(_ node: Node, _ what: String) -> String? {
            guard let name = nonEmptyScalar(node, what) else { return nil }
            let forbidden = name.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || ".*>".unicodeScalars.contains($0) }
            guard !forbidden, name.utf8.count <= 256 else {
                report(node, "account name '\(name)' must be one token: no whitespace, '.', '*' or '>'")
                return nil
            }
            return name
        }

        mutating func lifetime(_ node: Node) -> Duration? {
            guard let text = scalar(node, "jwt_lifetime") else { return nil }
            guard let duration = DurationText.parse(text) else {
                report(node, "jwt_lifetime '\(text)' is not a duration (e.g. 3600, 90s, 15m, 1h)")
                return nil
            }
            guard Policy.lifetimeBounds.contains(duration) else {
                report(node, "jwt_lifetime must be between 5s and 24h")
                return nil
            }
            return duration
        }

        mutating func subjectRules(_ node: Node, _ what: String, isDefault: Bool) -> SubjectRules {
            var rules = SubjectRules()
            let allowNode: Node?
            var denyNode: Node?
            switch node {
            case .sequence:
                allowNode = node
            case let .mapping(mapping):
                let fields = keyedFields(mapping, allowed: ["allow", "deny"], what: what)
                allowNode = fields["allow"]?.value
                denyNode = fields["deny"]?.value
            default:
                if isNull(node) { return rules }
                report(node, "\(what) must be a list of subjects or a mapping with 'allow' and 'deny'")
                return rules
            }
            if let allowNode { rules.allow = subjects(allowNode, "\(what).allow", isDefault: isDefault) }
            if let denyNode { rules.deny = subjects(denyNode, "\(what).deny", isDefault: isDefault) }
            return rules
        }

        mutating func subjects(_ node: Node, _ what: String, isDefault: Bool) -> [SubjectTemplate] {
            guard let items = list(node, what) else { return [] }
            var result: [SubjectTemplate] = []
            for item in items {
                guard let text = scalar(item, "a subject in \(what)") else { continue }
                do {
                    let template = try SubjectTemplate(text)
                    if isDefault, template.parts.contains(.placeholder(.group)) {
                        report(item, "'{{group}}' cannot be used in default_binding (it has no group)")
                        continue
                    }
                    result.append(template)
                } catch {
                    report(item, "invalid subject '\(text)' in \(what): \(error)")
                }
            }
            return result
        }

        mutating func responsePermission(_ node: Node) -> ResponseGrant? {
            guard case let .mapping(mapping) = node else { report(node, "responses must be a mapping with 'max' and 'ttl'"); return nil }
            let fields = keyedFields(mapping, allowed: ["max", "ttl"], what: "responses")
            var maxMessages = 1
            if let max = fields["max"], let text = scalar(max.value, "responses.max") {
                if let value = Int(text), value >= 1, value <= 1_000_000 { maxMessages = value } else {
                    report(max.value, "responses.max must be a whole number from 1 to 1000000")
                }
            }
            var expires = Duration.zero
            if let ttl = fields["ttl"], let text = scalar(ttl.value, "responses.ttl") {
                if let value = DurationText.parse(text), value <= .seconds(86_400) { expires = value } else {
                    report(ttl.value, "responses.ttl must be a duration up to 24h (e.g. 5s; 0 = no limit)")
                }
            }
            return ResponseGrant(maxMessages: maxMessages, expires: expires)
        }

        mutating func connectionTypes(_ node: Node) -> Set<ConnectionType>? {
            guard let items = nonEmptyList(node, "connection_types", listing: "the allowed types") else { return nil }
            var result = Set<ConnectionType>()
            for item in items {
                guard let text = scalar(item, "a connection type") else { continue }
                if let type = ConnectionType(rawValue: text.uppercased()) { result.insert(type) } else {
                    report(item, "unknown connection type '\(text)' (known: \(ConnectionType.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            if result.isEmpty { return nil }
            return result
        }

        mutating func timeWindows(_ node: Node) -> [TimeWindow]? {
            guard let items = nonEmptyList(node, "time_windows", listing: "windows") else { return nil }
            var result: [TimeWindow] = []
            for item in items {
                guard case let .mapping(mapping) = item else { report(item, "a time window is a mapping with 'start' and 'end'"); continue }
                let fields = keyedFields(mapping, allowed: ["start", "end"], what: "a time window")
                guard let start = fields["start"], let end = fields["end"] else {
                    report(item, "a time window needs both 'start' and 'end' (HH:MM:SS)")
                    continue
                }
                guard let startText = scalar(start.value, "start"), let endText = scalar(end.value, "end") else { continue }
                do { result.append(try TimeWindow(start: startText, end: endText)) } catch { report(item, "invalid time window: \(error)") }
            }
            return result
        }

        mutating func networks(_ node: Node) -> [CIDRRange]? {
            guard let items = nonEmptyList(node, "source_cidrs", listing: "networks") else { return nil }
            var result: [CIDRRange] = []
            for item in items {
                guard let text = scalar(item, "a network") else { continue }
                do { result.append(try CIDRRange(text)) } catch { report(item, "\(error)") }
            }
            return result
        }
    }
}

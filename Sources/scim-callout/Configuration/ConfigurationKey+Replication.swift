import Foundation

extension ConfigurationKey {
    /// The decision feed's `replication.*` keys (docs/high-availability.md#decisions-from-every-replica);
    /// the others are in `ConfigurationKey+All.swift`.
    static let decisionFeed: [ConfigurationKey] = [
        .init("replication.publish_decisions", "bool", default: "true when replication.enabled", \.replication.publishDecisions,
              { raw, key throws(ConfigurationError) in try bool(raw, key) },
              "Publish every decision record on <prefix>.decisions.<replica_id>; also works without replication (a SIEM feed)."),
        .init("replication.decisions_stream", "string", default: "unset", \.replication.decisionsStream, streamName,
              "A JetStream stream to create or update capturing <prefix>.decisions.> (max age decisions.retention, "
              + "max messages decisions.max_rows); unset: the plain subject only."),
    ]

    /// Dot-separated subject tokens (letters, digits, `-` and `_`), e.g. `scim-callout` or `acme.iam`.
    static func subjectPrefix(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> String {
        let text = try nonEmptyString(raw, key)
        guard text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ isToken(String($0)) }) else {
            throw ConfigurationError(code: .invalidValue, key: key,
                                     message: "expected subject tokens (letters, digits, - and _) separated by dots, no wildcards")
        }
        return text
    }

    /// A JetStream stream name (no dots, wildcards, slashes or spaces); empty means unset.
    static func streamName(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> String? {
        guard let text = try optionalString(raw, key) else { return nil }
        guard isToken(text) else {
            throw ConfigurationError(code: .invalidValue, key: key, message: "expected a stream name: letters, digits, - and _")
        }
        return text
    }

    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 128
            && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
    }
}

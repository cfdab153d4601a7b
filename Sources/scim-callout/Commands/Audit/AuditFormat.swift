import ArgumentParser

/// `--format` of the `audit` commands.
enum AuditFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// An aligned table for people (names escaped, long values cut).
    case text
    /// One JSON document with a versioned `schema` key (docs/audit.md).
    case json
}

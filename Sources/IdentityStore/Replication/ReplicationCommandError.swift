/// A replication command this build cannot apply.
public struct ReplicationCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why.
    public enum Code: String, Sendable {
        /// The command's schema version `v` is not one this build knows.
        case unsupportedVersion
        /// The bytes are not a valid command.
        case malformed
    }

    /// Why.
    public var code: Code
    /// A human-readable explanation (never the command's content).
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "ReplicationCommandError.\(code.rawValue): \(detail)" }
}

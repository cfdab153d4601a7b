import Foundation

/// A SCIM write as it travels through the replication stream: what every replica applies, in
/// stream order, with the same id, time and author, so every replica computes the same rows.
///
/// JSON, schema version `v` (``currentVersion``); a replica that reads another version stops
/// applying (fail closed) instead of guessing. The stream's `Nats-Msg-Id` is ``id``.
public struct ReplicationCommand: Sendable, Equatable {
    /// The schema version this build writes and applies.
    public static let currentVersion = 1

    /// The schema version.
    public var version: Int
    /// The command's unique id (JetStream de-duplication, and the writer's wait for its apply).
    public var id: String
    /// The replica that accepted the write (`replication.replica_id`).
    public var origin: String
    /// When the writer accepted it, seconds since 1970 at millisecond resolution (the rows'
    /// `created`/`lastModified` and the history's `at`).
    public var at: Double
    /// Who made the change.
    public var author: ReplicationAuthor
    /// The write.
    public var operation: ReplicationOperation

    public init(
        id: String, origin: String, at: Double, author: ReplicationAuthor, operation: ReplicationOperation,
        version: Int = ReplicationCommand.currentVersion
    ) {
        self.version = version
        self.id = id
        self.origin = origin
        self.at = (at * 1000).rounded() / 1000
        self.author = author
        self.operation = operation
    }

    /// The command's JSON (sorted keys, so equal commands are equal bytes).
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    /// Decodes a command.
    /// - Throws: ``ReplicationCommandError`` for another schema version or a malformed command.
    public static func decode(_ bytes: some Collection<UInt8>) throws(ReplicationCommandError) -> ReplicationCommand {
        let data = Data(bytes)
        let version: Int
        do {
            version = try JSONDecoder().decode(VersionProbe.self, from: data).v
        } catch {
            throw ReplicationCommandError(.malformed, "not a replication command (no schema version): \(error)")
        }
        guard version == currentVersion else {
            throw ReplicationCommandError(
                .unsupportedVersion, "replication command schema version \(version); this build applies \(currentVersion)")
        }
        do {
            return try JSONDecoder().decode(ReplicationCommand.self, from: data)
        } catch {
            throw ReplicationCommandError(.malformed, "malformed replication command: \(error)")
        }
    }

    private struct VersionProbe: Decodable {
        var v: Int
    }
}

extension ReplicationCommand: Codable {
    private enum CodingKeys: String, CodingKey {
        case version = "v", id, origin, at, author, operation
    }
}

extension ReplicationCommand: CustomStringConvertible {
    /// Names the operation and resource, never the content (a command may carry a password hash).
    public var description: String {
        "\(operation.name) \(operation.resourceId) (command \(id) from \(origin))"
    }
}

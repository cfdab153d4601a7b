import Foundation
import JetStream

/// One snapshot in the bucket, as its Object Store meta message describes it: the object's
/// name, size and SHA-256 digest, and the facts the writer put in its headers.
public struct SnapshotRecord: Sendable, Hashable {
    /// The object's name: `snapshot-<sequence, 20 digits>.sqlite`, so names sort by sequence.
    public var name: String
    /// The change stream's sequence the snapshot had applied; the tail starts at the next one.
    public var sequence: UInt64
    /// The newest schema migration in the file.
    public var migration: String?
    /// Row counts of the identity tables.
    public var users: Int
    public var groups: Int
    public var memberships: Int
    /// The replica that took it.
    public var replica: String?
    /// Bytes.
    public var size: UInt64
    /// The Object Store digest (`SHA-256=<base64url>`), checked on every download.
    public var digest: String
    /// When it was taken (the meta message's `mtime`).
    public var takenAt: Date?

    /// The object name of the snapshot at `sequence`.
    public static func objectName(sequence: UInt64) -> String {
        let digits = String(sequence)
        return "snapshot-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".sqlite"
    }

    /// The object headers a snapshot carries (nats-py reads them as `ObjectInfo.headers`; the
    /// same facts are in `metadata` for nats.go and the `nats` CLI).
    public enum Header {
        public static let sequence = "Scim-Callout-Sequence"
        public static let migration = "Scim-Callout-Migration"
        public static let users = "Scim-Callout-Users"
        public static let groups = "Scim-Callout-Groups"
        public static let memberships = "Scim-Callout-Memberships"
        public static let replica = "Scim-Callout-Replica"
    }

    /// Reads a record from an object's meta; nil for objects that are not snapshots.
    public init?(_ info: ObjectInfo) {
        guard !info.deleted, let text = info.header(Header.sequence), let sequence = UInt64(text),
              info.name == Self.objectName(sequence: sequence)
        else { return nil }
        self.name = info.name
        self.sequence = sequence
        self.migration = info.header(Header.migration)
        self.users = info.header(Header.users).flatMap { Int($0) } ?? 0
        self.groups = info.header(Header.groups).flatMap { Int($0) } ?? 0
        self.memberships = info.header(Header.memberships).flatMap { Int($0) } ?? 0
        self.replica = info.header(Header.replica)
        self.size = info.size
        self.digest = info.digest
        self.takenAt = info.modified.flatMap(Self.date)
    }

    /// The headers for a snapshot with these facts.
    static func headers(sequence: UInt64, migration: String?, users: Int, groups: Int, memberships: Int,
                        replica: String) -> [String: [String]] {
        var headers = [
            Header.sequence: [String(sequence)], Header.users: [String(users)], Header.groups: [String(groups)],
            Header.memberships: [String(memberships)], Header.replica: [replica],
        ]
        if let migration { headers[Header.migration] = [migration] }
        return headers
    }

    private static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

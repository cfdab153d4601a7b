/// What a snapshot file of the identity store holds, read from the file itself (so the numbers
/// always describe exactly the bytes that were copied).
public struct SnapshotFacts: Sendable, Hashable {
    /// The change stream's sequence the copy had applied (`replication_position`; 0 without one).
    public var appliedSequence: UInt64
    /// The newest schema migration applied in the copy; nil for a file with no migrations.
    public var newestMigration: String?
    /// Migrations the copy has applied that this build does not know (a snapshot from a newer
    /// release): such a copy must not be opened by this build.
    public var unknownMigrations: [String]
    /// Row counts of the identity tables.
    public var users: Int
    public var groups: Int
    public var memberships: Int
    /// `PRAGMA integrity_check`'s answer: `["ok"]` for a sound file; empty when not checked.
    public var integrity: [String]

    public init(appliedSequence: UInt64, newestMigration: String?, unknownMigrations: [String] = [],
                users: Int, groups: Int, memberships: Int, integrity: [String] = []) {
        self.appliedSequence = appliedSequence
        self.newestMigration = newestMigration
        self.unknownMigrations = unknownMigrations
        self.users = users
        self.groups = groups
        self.memberships = memberships
        self.integrity = integrity
    }

    /// True when the integrity check ran and found nothing.
    public var isIntact: Bool { integrity == ["ok"] }
}

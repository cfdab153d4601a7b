/// Where snapshots go and how many stay (`replication.*` settings).
public struct SnapshotSettings: Sendable, Hashable {
    /// The change stream (`replication.stream`).
    public var stream: String
    /// This replica's id (`replication.replica_id`), recorded in each snapshot it takes.
    public var replica: String
    /// How many snapshots stay in the bucket (`replication.snapshot_keep`); older ones are removed.
    public var keep: Int
    /// The bucket stream's replicas (`replication.replicas`).
    public var replicas: Int

    public init(stream: String, replica: String, keep: Int = 3, replicas: Int = 1) {
        self.stream = stream
        self.replica = replica
        self.keep = max(1, keep)
        self.replicas = replicas
    }

    /// `<stream>_SNAPSHOTS`.
    public var bucket: String { "\(stream)_SNAPSHOTS" }
}

/// How a ``ReplicatedIdentityStore`` replicates (the `replication.*` settings).
public struct ReplicationSettings: Sendable, Equatable {
    /// This replica's id (`replication.replica_id`), recorded as each command's `origin`.
    public var replicaID: String
    /// The stream's name (`replication.stream`).
    public var stream: String
    /// Subjects start with this (`replication.subject_prefix`); commands go to `<prefix>.changes`.
    public var subjectPrefix: String
    /// The stream's replica count (`replication.replicas`); 3 on a 3-node cluster.
    public var replicas: Int
    /// How long a writer waits for its own command's apply before answering 503
    /// (`replication.apply_timeout`).
    public var applyTimeout: Duration
    /// How many times a PUT/PATCH is recomputed when another write got in between.
    public var maxTransformAttempts: Int

    public init(
        replicaID: String, stream: String = IdentityDatabase.defaultReplicationStream,
        subjectPrefix: String = "scim-callout", replicas: Int = 3, applyTimeout: Duration = .seconds(5),
        maxTransformAttempts: Int = 5
    ) {
        self.replicaID = replicaID
        self.stream = stream
        self.subjectPrefix = subjectPrefix
        self.replicas = replicas
        self.applyTimeout = applyTimeout
        self.maxTransformAttempts = maxTransformAttempts
    }

    /// The subject commands are published to (the stream's only subject).
    public var commandSubject: String { "\(subjectPrefix).changes" }
}

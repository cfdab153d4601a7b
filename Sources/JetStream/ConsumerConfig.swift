/// A consumer's configuration (`CONSUMER.CREATE` takes it, `CONSUMER.INFO` returns it).
///
/// Without ``durableName`` the consumer is ephemeral: the server removes it after
/// ``inactiveThreshold`` without interest. A ``deliverSubject`` makes it a push consumer.
public struct ConsumerConfig: Codable, Hashable, Sendable {
    /// The consumer's name (used in `CONSUMER.CREATE.<stream>.<name>`); the server picks one when nil.
    public var name: String?
    /// Makes the consumer durable under this name.
    public var durableName: String?
    public var description: String?
    public var deliverPolicy: DeliverPolicy
    public var ackPolicy: AckPolicy
    /// How long an unacknowledged message waits before redelivery; zero for the server's default.
    public var ackWait: Duration
    /// The most deliveries of one message; -1 for no limit.
    public var maxDeliver: Int
    /// Only messages on this subject (wildcards allowed).
    public var filterSubject: String?
    /// Push consumers: where the server sends messages.
    public var deliverSubject: String?
    /// Push consumers: the server pauses after about 1 MB until we answer its flow-control request.
    public var flowControl: Bool
    /// Push consumers: an empty status-100 message after this long without messages; zero for none.
    public var idleHeartbeat: Duration
    /// An ephemeral consumer is removed after this long without interest; zero for the server's default.
    public var inactiveThreshold: Duration
    /// Replicas of the consumer's state; 0 inherits the stream's.
    public var replicas: Int
    /// Keep the consumer's state in memory even when the stream is on file.
    public var memoryStorage: Bool

    public init(
        name: String? = nil,
        durableName: String? = nil,
        description: String? = nil,
        deliverPolicy: DeliverPolicy = .all,
        ackPolicy: AckPolicy = .explicit,
        ackWait: Duration = .zero,
        maxDeliver: Int = -1,
        filterSubject: String? = nil,
        deliverSubject: String? = nil,
        flowControl: Bool = false,
        idleHeartbeat: Duration = .zero,
        inactiveThreshold: Duration = .zero,
        replicas: Int = 0,
        memoryStorage: Bool = false
    ) {
        self.name = name
        self.durableName = durableName
        self.description = description
        self.deliverPolicy = deliverPolicy
        self.ackPolicy = ackPolicy
        self.ackWait = ackWait
        self.maxDeliver = maxDeliver
        self.filterSubject = filterSubject
        self.deliverSubject = deliverSubject
        self.flowControl = flowControl
        self.idleHeartbeat = idleHeartbeat
        self.inactiveThreshold = inactiveThreshold
        self.replicas = replicas
        self.memoryStorage = memoryStorage
    }

    enum CodingKeys: String, CodingKey {
        case name, description
        case durableName = "durable_name"
        case deliverPolicy = "deliver_policy"
        case startSequence = "opt_start_seq"
        case ackPolicy = "ack_policy"
        case ackWait = "ack_wait"
        case maxDeliver = "max_deliver"
        case filterSubject = "filter_subject"
        case deliverSubject = "deliver_subject"
        case flowControl = "flow_control"
        case idleHeartbeat = "idle_heartbeat"
        case inactiveThreshold = "inactive_threshold"
        case replicas = "num_replicas"
        case memoryStorage = "mem_storage"
        case replayPolicy = "replay_policy"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        durableName = try container.decodeIfPresent(String.self, forKey: .durableName)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        deliverPolicy = try DeliverPolicy(
            wireName: container.decodeIfPresent(String.self, forKey: .deliverPolicy) ?? "all",
            startSequence: container.decodeIfPresent(UInt64.self, forKey: .startSequence)
        )
        ackPolicy = try container.decodeIfPresent(AckPolicy.self, forKey: .ackPolicy) ?? .explicit
        ackWait = try container.decodeNanoseconds(.ackWait)
        maxDeliver = try container.decodeIfPresent(Int.self, forKey: .maxDeliver) ?? -1
        filterSubject = try container.decodeIfPresent(String.self, forKey: .filterSubject)
        deliverSubject = try container.decodeIfPresent(String.self, forKey: .deliverSubject)
        flowControl = try container.decodeIfPresent(Bool.self, forKey: .flowControl) ?? false
        idleHeartbeat = try container.decodeNanoseconds(.idleHeartbeat)
        inactiveThreshold = try container.decodeNanoseconds(.inactiveThreshold)
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas) ?? 0
        memoryStorage = try container.decodeIfPresent(Bool.self, forKey: .memoryStorage) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(durableName, forKey: .durableName)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encode(deliverPolicy.wireName, forKey: .deliverPolicy)
        if case .byStartSequence(let sequence) = deliverPolicy {
            try container.encode(sequence, forKey: .startSequence)
        }
        try container.encode(ackPolicy, forKey: .ackPolicy)
        if ackWait != .zero { try container.encodeNanoseconds(ackWait, forKey: .ackWait) }
        try container.encode(maxDeliver, forKey: .maxDeliver)
        try container.encodeIfPresent(filterSubject, forKey: .filterSubject)
        try container.encodeIfPresent(deliverSubject, forKey: .deliverSubject)
        if flowControl { try container.encode(true, forKey: .flowControl) }
        if idleHeartbeat != .zero { try container.encodeNanoseconds(idleHeartbeat, forKey: .idleHeartbeat) }
        if inactiveThreshold != .zero { try container.encodeNanoseconds(inactiveThreshold, forKey: .inactiveThreshold) }
        try container.encode(replicas, forKey: .replicas)
        if memoryStorage { try container.encode(true, forKey: .memoryStorage) }
        try container.encode("instant", forKey: .replayPolicy)
    }
}

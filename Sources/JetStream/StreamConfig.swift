/// A stream's configuration, as `STREAM.CREATE` and `STREAM.UPDATE` take it and `STREAM.INFO`
/// returns it. Unset limits are -1 (unlimited) and durations zero, as on the wire.
public struct StreamConfig: Codable, Hashable, Sendable {
    /// The stream name: no `.`, `*`, `>`, whitespace or path separators.
    public var name: String
    public var description: String?
    /// The subjects the stream captures (wildcards allowed).
    public var subjects: [String]
    public var retention: RetentionPolicy
    public var storage: StorageType
    /// How many servers hold a copy (1 or 3, say; more than 1 needs a cluster).
    public var replicas: Int
    /// The most messages kept; -1 for no limit.
    public var maxMessages: Int64
    /// The most bytes kept; -1 for no limit.
    public var maxBytes: Int64
    /// How long messages are kept; zero for ever.
    public var maxAge: Duration
    /// The most messages kept per subject; -1 for no limit.
    public var maxMessagesPerSubject: Int64
    /// The largest message accepted; -1 for the server's limit.
    public var maxMessageSize: Int32
    public var discard: DiscardPolicy
    /// How long `Nats-Msg-Id` values are remembered for de-duplication; zero for the server's default (2 min).
    public var duplicateWindow: Duration
    /// Accept `Nats-Rollup` headers (replace a subject's or the stream's messages by one).
    public var allowRollup: Bool
    /// Refuse deleting single messages (cannot be unset later).
    public var denyDelete: Bool
    /// Refuse purges (cannot be unset later).
    public var denyPurge: Bool
    /// Let any replica answer `DIRECT.GET`.
    public var allowDirect: Bool

    public init(
        name: String,
        description: String? = nil,
        subjects: [String] = [],
        retention: RetentionPolicy = .limits,
        storage: StorageType = .file,
        replicas: Int = 1,
        maxMessages: Int64 = -1,
        maxBytes: Int64 = -1,
        maxAge: Duration = .zero,
        maxMessagesPerSubject: Int64 = -1,
        maxMessageSize: Int32 = -1,
        discard: DiscardPolicy = .old,
        duplicateWindow: Duration = .zero,
        allowRollup: Bool = false,
        denyDelete: Bool = false,
        denyPurge: Bool = false,
        allowDirect: Bool = false
    ) {
        self.name = name
        self.description = description
        self.subjects = subjects
        self.retention = retention
        self.storage = storage
        self.replicas = replicas
        self.maxMessages = maxMessages
        self.maxBytes = maxBytes
        self.maxAge = maxAge
        self.maxMessagesPerSubject = maxMessagesPerSubject
        self.maxMessageSize = maxMessageSize
        self.discard = discard
        self.duplicateWindow = duplicateWindow
        self.allowRollup = allowRollup
        self.denyDelete = denyDelete
        self.denyPurge = denyPurge
        self.allowDirect = allowDirect
    }

    enum CodingKeys: String, CodingKey {
        case name, description, subjects, retention, storage, discard
        case replicas = "num_replicas"
        case maxMessages = "max_msgs"
        case maxBytes = "max_bytes"
        case maxAge = "max_age"
        case maxMessagesPerSubject = "max_msgs_per_subject"
        case maxMessageSize = "max_msg_size"
        case duplicateWindow = "duplicate_window"
        case allowRollup = "allow_rollup_hdrs"
        case denyDelete = "deny_delete"
        case denyPurge = "deny_purge"
        case allowDirect = "allow_direct"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        subjects = try container.decodeIfPresent([String].self, forKey: .subjects) ?? []
        retention = try container.decodeIfPresent(RetentionPolicy.self, forKey: .retention) ?? .limits
        storage = try container.decodeIfPresent(StorageType.self, forKey: .storage) ?? .file
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas) ?? 1
        maxMessages = try container.decodeIfPresent(Int64.self, forKey: .maxMessages) ?? -1
        maxBytes = try container.decodeIfPresent(Int64.self, forKey: .maxBytes) ?? -1
        maxAge = try container.decodeNanoseconds(.maxAge)
        maxMessagesPerSubject = try container.decodeIfPresent(Int64.self, forKey: .maxMessagesPerSubject) ?? -1
        maxMessageSize = try container.decodeIfPresent(Int32.self, forKey: .maxMessageSize) ?? -1
        discard = try container.decodeIfPresent(DiscardPolicy.self, forKey: .discard) ?? .old
        duplicateWindow = try container.decodeNanoseconds(.duplicateWindow)
        allowRollup = try container.decodeIfPresent(Bool.self, forKey: .allowRollup) ?? false
        denyDelete = try container.decodeIfPresent(Bool.self, forKey: .denyDelete) ?? false
        denyPurge = try container.decodeIfPresent(Bool.self, forKey: .denyPurge) ?? false
        allowDirect = try container.decodeIfPresent(Bool.self, forKey: .allowDirect) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encode(subjects, forKey: .subjects)
        try container.encode(retention, forKey: .retention)
        try container.encode(storage, forKey: .storage)
        try container.encode(replicas, forKey: .replicas)
        try container.encode(maxMessages, forKey: .maxMessages)
        try container.encode(maxBytes, forKey: .maxBytes)
        try container.encodeNanoseconds(maxAge, forKey: .maxAge)
        try container.encode(maxMessagesPerSubject, forKey: .maxMessagesPerSubject)
        try container.encode(maxMessageSize, forKey: .maxMessageSize)
        try container.encode(discard, forKey: .discard)
        try container.encodeNanoseconds(duplicateWindow, forKey: .duplicateWindow)
        try container.encode(allowRollup, forKey: .allowRollup)
        try container.encode(denyDelete, forKey: .denyDelete)
        try container.encode(denyPurge, forKey: .denyPurge)
        try container.encode(allowDirect, forKey: .allowDirect)
    }
}

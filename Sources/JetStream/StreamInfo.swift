/// A stream's configuration and state (`STREAM.CREATE`, `STREAM.UPDATE`, `STREAM.INFO`).
public struct StreamInfo: Decodable, Hashable, Sendable {
    public var config: StreamConfig
    public var state: StreamState
    /// Set by `STREAM.CREATE`; nats-server 2.15.1 sets it even when an identical stream existed.
    public var didCreate: Bool
    /// The current leader, in a cluster.
    public var leader: String?

    private struct Cluster: Decodable { var leader: String? }

    enum CodingKeys: String, CodingKey {
        case config, state, cluster
        case didCreate = "did_create"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        config = try container.decode(StreamConfig.self, forKey: .config)
        state = try container.decode(StreamState.self, forKey: .state)
        didCreate = try container.decodeIfPresent(Bool.self, forKey: .didCreate) ?? false
        leader = try container.decodeIfPresent(Cluster.self, forKey: .cluster)?.leader
    }
}

/// A consumer's configuration and position (`CONSUMER.CREATE`, `CONSUMER.INFO`).
public struct ConsumerInfo: Decodable, Hashable, Sendable {
    public var stream: String
    public var name: String
    public var config: ConsumerConfig
    /// The last delivered consumer and stream sequence.
    public var delivered: SequenceInfo
    /// Messages still to deliver.
    public var pending: UInt64

    enum CodingKeys: String, CodingKey {
        case name, config, delivered
        case stream = "stream_name"
        case pending = "num_pending"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stream = try container.decode(String.self, forKey: .stream)
        name = try container.decode(String.self, forKey: .name)
        config = try container.decode(ConsumerConfig.self, forKey: .config)
        delivered = try container.decode(SequenceInfo.self, forKey: .delivered)
        pending = try container.decodeIfPresent(UInt64.self, forKey: .pending) ?? 0
    }
}

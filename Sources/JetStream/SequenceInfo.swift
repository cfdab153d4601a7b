/// A consumer's position: the last consumer and stream sequence delivered (or acknowledged).
public struct SequenceInfo: Decodable, Hashable, Sendable {
    public var consumerSequence: UInt64
    public var streamSequence: UInt64

    enum CodingKeys: String, CodingKey {
        case consumerSequence = "consumer_seq"
        case streamSequence = "stream_seq"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        consumerSequence = try container.decodeIfPresent(UInt64.self, forKey: .consumerSequence) ?? 0
        streamSequence = try container.decodeIfPresent(UInt64.self, forKey: .streamSequence) ?? 0
    }
}

/// The server's acknowledgement of a stored message: `{"stream":"S","seq":12}`.
public struct PubAck: Decodable, Hashable, Sendable {
    /// The stream that stored the message.
    public var stream: String
    /// The message's stream sequence (for a duplicate: the original's).
    public var sequence: UInt64
    /// True when the `Nats-Msg-Id` was seen within the duplicate window and nothing was stored.
    public var duplicate: Bool
    /// The JetStream domain, when the server has one.
    public var domain: String?

    public init(stream: String, sequence: UInt64, duplicate: Bool = false, domain: String? = nil) {
        self.stream = stream
        self.sequence = sequence
        self.duplicate = duplicate
        self.domain = domain
    }

    enum CodingKeys: String, CodingKey {
        case stream, duplicate, domain
        case sequence = "seq"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stream = try container.decode(String.self, forKey: .stream)
        sequence = try container.decode(UInt64.self, forKey: .sequence)
        duplicate = try container.decodeIfPresent(Bool.self, forKey: .duplicate) ?? false
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
    }
}

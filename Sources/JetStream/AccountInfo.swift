/// Usage of the account's JetStream (`$JS.API.INFO`).
public struct AccountInfo: Decodable, Hashable, Sendable {
    /// Bytes of memory storage in use.
    public var memory: UInt64
    /// Bytes of file storage in use.
    public var storage: UInt64
    public var streams: Int
    public var consumers: Int
    /// The JetStream domain, when the server has one.
    public var domain: String?

    enum CodingKeys: String, CodingKey { case memory, storage, streams, consumers, domain }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        memory = try container.decodeIfPresent(UInt64.self, forKey: .memory) ?? 0
        storage = try container.decodeIfPresent(UInt64.self, forKey: .storage) ?? 0
        streams = try container.decodeIfPresent(Int.self, forKey: .streams) ?? 0
        consumers = try container.decodeIfPresent(Int.self, forKey: .consumers) ?? 0
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
    }
}

import Foundation

/// A message read directly from a stream (`STREAM.MSG.GET`).
public struct StoredMessage: Decodable, Hashable, Sendable {
    public var subject: String
    public var sequence: UInt64
    public var data: [UInt8]
    /// The raw `NATS/1.0` header block, when the message has headers.
    public var headerBlock: [UInt8]?
    /// When the stream stored it (RFC 3339).
    public var time: String?

    private struct Wire: Decodable {
        var subject: String
        var seq: UInt64
        var data: String?
        var hdrs: String?
        var time: String?
    }

    private struct Reply: Decodable { var message: Wire }

    public init(from decoder: any Decoder) throws {
        let wire = try Reply(from: decoder).message
        subject = wire.subject
        sequence = wire.seq
        guard let data = Data(base64Encoded: wire.data ?? "") else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "data is not base64"))
        }
        self.data = Array(data)
        headerBlock = wire.hdrs.flatMap { Data(base64Encoded: $0) }.map(Array.init)
        time = wire.time
    }
}

/// What a consumer's ack reply subject says about a delivered message (ADR-15):
/// `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts_ns>.<pending>` (9 tokens), or
/// `$JS.ACK.<domain|_>.<account hash>.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts_ns>.<pending>[.…]`
/// (11 or more).
public struct JetStreamMessageMetadata: Hashable, Sendable {
    public var stream: String
    public var consumer: String
    /// How many times this message was delivered (1 the first time).
    public var deliveryCount: UInt64
    /// The message's sequence in the stream.
    public var streamSequence: UInt64
    /// The delivery's sequence in the consumer (1, 2, … with no gaps when nothing was lost).
    public var consumerSequence: UInt64
    /// When the stream stored the message, in nanoseconds since 1970.
    public var timestampNanoseconds: Int64
    /// How many messages follow this one for the consumer (0: caught up).
    public var pending: UInt64
    /// The JetStream domain (nil for the 9-token form or `_`).
    public var domain: String?

    public init(stream: String, consumer: String, deliveryCount: UInt64, streamSequence: UInt64,
                consumerSequence: UInt64, timestampNanoseconds: Int64, pending: UInt64, domain: String? = nil) {
        self.stream = stream
        self.consumer = consumer
        self.deliveryCount = deliveryCount
        self.streamSequence = streamSequence
        self.consumerSequence = consumerSequence
        self.timestampNanoseconds = timestampNanoseconds
        self.pending = pending
        self.domain = domain
    }

    /// Parses an ack reply subject.
    /// - Throws: ``JetStreamError/Code/invalidResponse`` when it is not `$JS.ACK.` with 9 or
    ///   at least 11 tokens and numeric fields.
    public init(ackSubject: String) throws(JetStreamError) {
        let tokens = ackSubject.split(separator: ".", omittingEmptySubsequences: false)
        guard tokens.count >= 2, tokens[0] == "$JS", tokens[1] == "ACK" else {
            throw JetStreamError(.invalidResponse, "not a JetStream ack subject")
        }
        let first: Int
        switch tokens.count {
        case 9:
            first = 2
            domain = nil
        case 11...:
            first = 4
            domain = tokens[2] == "_" || tokens[2].isEmpty ? nil : String(tokens[2])
        default:
            throw JetStreamError(.invalidResponse, "ack subject has \(tokens.count) tokens, expected 9 or at least 11")
        }
        func number<N: FixedWidthInteger>(_ offset: Int, _ type: N.Type) throws(JetStreamError) -> N {
            guard let value = N(tokens[first + offset]) else {
                throw JetStreamError(.invalidResponse, "ack subject token \(first + offset) is not a number")
            }
            return value
        }
        stream = String(tokens[first])
        consumer = String(tokens[first + 1])
        deliveryCount = try number(2, UInt64.self)
        streamSequence = try number(3, UInt64.self)
        consumerSequence = try number(4, UInt64.self)
        timestampNanoseconds = try number(5, Int64.self)
        pending = try number(6, UInt64.self)
        guard !stream.isEmpty, !consumer.isEmpty else {
            throw JetStreamError(.invalidResponse, "ack subject has an empty stream or consumer")
        }
    }
}

import NATSClient

/// The JetStream headers of a publish: de-duplication and the expectations that make
/// optimistic concurrency work. A failed expectation throws
/// ``JetStreamError/Code/wrongLastSequence`` (or ``JetStreamError/Code/streamMismatch``).
///
/// `Nats-Expected-Last-Msg-Id` is deliberately absent: on nats-server 2.15 a mismatch on a
/// replicated stream halts the stream (docs/jetstream-client.md).
public struct PublishOptions: Hashable, Sendable {
    /// `Nats-Msg-Id`: the server stores a message id once per duplicate window; a repeat returns
    /// the original sequence with ``PubAck/duplicate`` set.
    public var messageID: String?
    /// `Nats-Expected-Stream`: the subject must be captured by this stream.
    public var expectedStream: String?
    /// `Nats-Expected-Last-Sequence`: the stream's last sequence must be this one.
    public var expectedLastSequence: UInt64?
    /// `Nats-Expected-Last-Subject-Sequence`: the last sequence on the published subject must be
    /// this one (0: no message on the subject yet).
    public var expectedLastSubjectSequence: UInt64?

    public init(
        messageID: String? = nil,
        expectedStream: String? = nil,
        expectedLastSequence: UInt64? = nil,
        expectedLastSubjectSequence: UInt64? = nil
    ) {
        self.messageID = messageID
        self.expectedStream = expectedStream
        self.expectedLastSequence = expectedLastSequence
        self.expectedLastSubjectSequence = expectedLastSubjectSequence
    }

    public enum HeaderName {
        public static let messageID = "Nats-Msg-Id"
        public static let expectedStream = "Nats-Expected-Stream"
        public static let expectedLastSequence = "Nats-Expected-Last-Sequence"
        public static let expectedLastSubjectSequence = "Nats-Expected-Last-Subject-Sequence"
        public static let rollup = "Nats-Rollup"
    }

    /// `headers` with these options set (replacing any value the caller put under the same names).
    func applied(to headers: NATSHeaders?) -> NATSHeaders? {
        var result = headers ?? NATSHeaders()
        if let messageID { result.set(name: HeaderName.messageID, value: messageID) }
        if let expectedStream { result.set(name: HeaderName.expectedStream, value: expectedStream) }
        if let expectedLastSequence {
            result.set(name: HeaderName.expectedLastSequence, value: String(expectedLastSequence))
        }
        if let expectedLastSubjectSequence {
            result.set(name: HeaderName.expectedLastSubjectSequence, value: String(expectedLastSubjectSequence))
        }
        return result.isEmpty ? nil : result
    }
}

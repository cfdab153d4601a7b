import NATSClient
import NIOCore

/// A message delivered by a consumer, with its place in the stream.
public struct JetStreamMessage: Hashable, Sendable {
    /// The subject it was published to.
    public var subject: String
    public var headers: NATSHeaders?
    public var payload: ByteBuffer
    /// Stream, sequences, timestamp and pending count from the ack reply subject.
    public var metadata: JetStreamMessageMetadata

    public init(subject: String, headers: NATSHeaders?, payload: ByteBuffer, metadata: JetStreamMessageMetadata) {
        self.subject = subject
        self.headers = headers
        self.payload = payload
        self.metadata = metadata
    }

    /// The message's sequence in the stream.
    public var streamSequence: UInt64 { metadata.streamSequence }
}

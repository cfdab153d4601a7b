import NIOCore

/// A message received on a subscription or as the reply to a request.
public struct NATSMessage: Sendable, Hashable {
    public var subject: String
    public var replyTo: String?
    public var headers: NATSHeaders?
    public var payload: ByteBuffer

    public init(subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: ByteBuffer) {
        self.subject = subject
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }

    init(_ frame: MessageFrame) {
        self.init(subject: frame.subject, replyTo: frame.replyTo, headers: frame.headers, payload: frame.payload)
    }

    /// The inline status of the header line (503 means no responders).
    public var status: Int? { headers?.statusCode }

    /// The payload as UTF-8 text (invalid bytes are replaced, never trapped on).
    public var string: String { String(buffer: payload) }
}

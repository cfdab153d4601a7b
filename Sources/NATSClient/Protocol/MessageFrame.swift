import NIOCore

/// A `MSG` or `HMSG` delivered by the server to one of our subscriptions.
public struct MessageFrame: Hashable, Sendable {
    public var subject: String
    /// The subscription id the server matched.
    public var sid: UInt64
    public var replyTo: String?
    /// Present for `HMSG` (possibly with only a status, such as 503 no responders).
    public var headers: NATSHeaders?
    public var payload: ByteBuffer

    public init(subject: String, sid: UInt64, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: ByteBuffer) {
        self.subject = subject
        self.sid = sid
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }
}

import NIOCore

/// One operation the client sends to the server.
public enum ClientOperation: Hashable, Sendable {
    case connect(ConnectOptions)
    /// `PUB`, or `HPUB` when `headers` is non-nil.
    case publish(subject: String, replyTo: String?, headers: NATSHeaders?, payload: ByteBuffer)
    /// `SUB <subject> [queue] <sid>`
    case subscribe(subject: String, queue: String?, sid: UInt64)
    /// `UNSUB <sid> [max]`: with `max`, the server removes the interest after that many messages.
    case unsubscribe(sid: UInt64, max: Int?)
    case ping
    case pong
}

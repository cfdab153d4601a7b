/// Things that happen to a connection, for logs and metrics (``NATSConnection/events``).
public enum NATSConnectionEvent: Sendable, Hashable {
    /// The first connection is up.
    case connected(server: String)
    /// The connection was lost; reconnecting starts unless it is disabled.
    case disconnected(reason: String)
    /// Connected again and every subscription was re-sent.
    case reconnected(server: String)
    /// The server announced it will shut down soon (lame-duck mode).
    case lameDuckMode(server: String)
    /// A subscription dropped messages because its consumer fell behind its pending limits.
    case slowConsumer(subject: String, sid: UInt64, dropped: Int)
    /// A non-fatal `-ERR` from the server (such as a permissions violation).
    case serverError(message: String)
    /// The connection is closed for good.
    case closed(reason: String?)
}

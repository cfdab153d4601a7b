import NIOCore

/// A subscription whose messages are handed to a handler on the connection's event loop
/// (``NATSConnection/subscribe(to:queue:onMessage:)``).
public struct NATSHandlerSubscription: Sendable {
    public let subject: String
    public let queue: String?
    /// The subscription id used on the wire.
    public let sid: UInt64
    let ended: EventLoopFuture<Void>
    let connection: NATSConnection

    /// Stops receiving messages now. A handler call already running finishes.
    public func unsubscribe() async throws {
        try await connection.unsubscribe(sid: sid, after: nil)
    }

    /// Returns once the subscription has ended: after ``unsubscribe()``, after `drain()`, or when
    /// the connection closed for good.
    public func waitUntilEnded() async {
        try? await ended.get()
    }
}

import NIOConcurrencyHelpers

/// Messages received on one subscription, as an `AsyncSequence`.
///
/// Iterate it from one task only. The sequence ends after `unsubscribe()`, after the
/// `unsubscribe(after:)` count is reached, after `drain()`, or when the connection closes.
/// Stopping the iteration (breaking out or cancelling the task) unsubscribes.
public struct NATSSubscription: AsyncSequence, Sendable {
    public typealias Element = NATSMessage

    public let subject: String
    public let queue: String?
    /// The subscription id used on the wire.
    public let sid: UInt64
    let stream: AsyncStream<NATSMessage>
    let pending: PendingCounter
    let connection: NATSConnection

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), pending: pending)
    }

    /// Stops receiving messages now; messages already buffered are still delivered.
    public func unsubscribe() async throws {
        try await connection.unsubscribe(sid: sid, after: nil)
    }

    /// Lets the server deliver at most `count` more messages (counting those already received),
    /// then ends the sequence.
    public func unsubscribe(after count: Int) async throws {
        try await connection.unsubscribe(sid: sid, after: Swift.max(count, 0))
    }

    /// Messages dropped so far because the consumer exceeded the pending limits.
    public var droppedMessages: Int { pending.dropped }

    /// Messages received but not yet taken by the consumer.
    public var pendingMessages: Int { pending.messages }

    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<NATSMessage>.Iterator
        let pending: PendingCounter

        public mutating func next() async -> NATSMessage? {
            guard let message = await base.next() else { return nil }
            pending.remove(bytes: message.payload.readableBytes)
            return message
        }
    }
}

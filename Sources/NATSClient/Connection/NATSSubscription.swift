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

/// Messages handed to a subscription's stream and not yet consumed, shared between the
/// delivering event loop and the consuming task.
final class PendingCounter: Sendable {
    private struct Counts {
        var messages = 0
        var bytes = 0
        var dropped = 0
    }

    private let counts = NIOLockedValueBox(Counts())

    /// Reserves room for one message; false (and a drop is counted) when a limit would be
    /// exceeded. A message larger than the byte limit still passes when nothing is pending, so
    /// one oversized message cannot block a subscription forever.
    func tryAdd(bytes: Int, limits: NATSConfiguration.PendingLimits) -> Bool {
        counts.withLockedValue { counts in
            let fits = counts.messages == 0
                || (counts.messages < limits.messages && counts.bytes + bytes <= limits.bytes)
            if fits {
                counts.messages += 1
                counts.bytes += bytes
            } else {
                counts.dropped += 1
            }
            return fits
        }
    }

    func remove(bytes: Int) {
        counts.withLockedValue { counts in
            counts.messages -= 1
            counts.bytes -= bytes
        }
    }

    var dropped: Int { counts.withLockedValue { $0.dropped } }
    var messages: Int { counts.withLockedValue { $0.messages } }
}

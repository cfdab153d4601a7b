import Synchronization

/// The apply loop's hand-off from the task reading the stream to the task applying it, in
/// stream order.
final class DeliveryQueue: Sendable {
    /// One delivery: a command at its stream sequence, or why applying must stop there.
    enum Delivery: Sendable {
        case command(ReplicationCommand, sequence: UInt64)
        case failure(String)
    }

    private let items = Mutex<[Delivery]>([])

    func append(_ delivery: Delivery) {
        items.withLock { $0.append(delivery) }
    }

    /// The oldest deliveries, at most `limit`, removed from the queue.
    func take(upTo limit: Int) -> [Delivery] {
        items.withLock { items in
            let taken = Array(items.prefix(limit))
            items.removeFirst(taken.count)
            return taken
        }
    }
}

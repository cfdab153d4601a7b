import NIOConcurrencyHelpers
import NKeys

/// Precomputed xkey boxes, one per server curve key, so a decision does no scalar multiplication.
///
/// Bounded: servers are few, but the header value comes from the network, so at most `capacity`
/// boxes are kept (the cache is emptied when full rather than grown).
final class XKeyBoxCache: Sendable {
    private let ours: XKeyPair
    private let boxes = NIOLockedValueBox<[String: XKeyBox]>([:])
    let capacity: Int

    init(ours: XKeyPair, capacity: Int = 256) {
        self.ours = ours
        self.capacity = capacity
    }

    /// The box shared with `serverKey` (an `X…` key).
    func box(for serverKey: String) throws(NKeysError) -> XKeyBox {
        if let box = boxes.withLockedValue({ $0[serverKey] }) { return box }
        let box = try ours.sharedBox(with: serverKey)
        boxes.withLockedValue { boxes in
            if boxes.count >= capacity { boxes.removeAll(keepingCapacity: true) }
            boxes[serverKey] = box
        }
        return box
    }
}

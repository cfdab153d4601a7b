import NIOConcurrencyHelpers
import NIOCore

/// Publishes on their way to one channel, written in batches.
///
/// A publish from outside the event loop would otherwise cost one event-loop wake-up (an eventfd
/// write), one task and one socket write each. Here the first publish of a batch schedules a
/// single task; publishes that arrive before it runs join the batch, which is encoded into one
/// buffer and flushed once.
///
/// Order is kept: the batch task is queued on the event loop like any other write issued from
/// outside it, so a `PING` or `SUB` sent after a publish still goes out after it.
final class PublishOutbox: Sendable {
    private struct Batch {
        var operations: [ClientOperation] = []
        /// Publishers waiting for their write because the socket pushed back.
        var waiters: [EventLoopPromise<Void>] = []
        var isScheduled = false
    }

    let channel: any Channel
    private let batch = NIOLockedValueBox(Batch())

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Queues `operation`; `written` (if any) completes with the batch's write.
    func enqueue(_ operation: ClientOperation, written: EventLoopPromise<Void>?) {
        let schedule = batch.withLockedValue { batch -> Bool in
            batch.operations.append(operation)
            if let written { batch.waiters.append(written) }
            guard !batch.isScheduled else { return false }
            batch.isScheduled = true
            return true
        }
        if schedule { channel.eventLoop.execute { self.writeBatch() } }
    }

    private func writeBatch() {
        let (operations, waiters) = batch.withLockedValue { batch in
            defer { batch = Batch() }
            return (batch.operations, batch.waiters)
        }
        guard !operations.isEmpty else { return }
        let outbound: NATSOutbound = operations.count == 1 ? .operation(operations[0]) : .operations(operations)
        guard let first = waiters.first else {
            channel.writeAndFlush(outbound, promise: nil)
            return
        }
        channel.writeAndFlush(outbound, promise: first)
        for waiter in waiters.dropFirst() { first.futureResult.cascade(to: waiter) }
    }
}

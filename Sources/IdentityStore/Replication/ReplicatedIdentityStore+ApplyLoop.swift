import JetStream
import Logging
import NIOCore

extension ReplicatedIdentityStore {
    /// How many delivered commands one apply transaction takes at most (the stream's backlog
    /// is applied in batches; one command alone is applied at once).
    static let maxBatch = 256

    /// The apply loop: reads the stream from the stored position + 1 with an ordered consumer
    /// and applies it in order, until the task is cancelled.
    ///
    /// A lost stream (connection, leader change, deleted consumer) interrupts it: health is
    /// ``ReplicationHealth/interrupted(reason:)`` and it resumes from the stored position. A
    /// command this build cannot apply (unknown `v`, malformed), a store error, or a gap
    /// between the stored position and the stream (purged below it) stops it for good:
    /// health is ``ReplicationHealth/stopped(reason:)`` and the error is thrown.
    public func run() async throws {
        var retryDelay = Duration.milliseconds(100)
        while !Task.isCancelled {
            let position = try await database.appliedSequence(stream: settings.stream)
            state.withLock { $0.appliedSequence = max($0.appliedSequence, position) }
            do {
                try await consume(from: position)
                return
            } catch let failure as ReplicationFailure {
                stop(failure.reason)
                throw failure
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                let reason = "\(error)"
                if health != .interrupted(reason: reason) {
                    logger.warning("replication stream interrupted; retrying",
                                   metadata: ["replication.error": .string(reason)])
                }
                setHealth(.interrupted(reason: reason))
                failWaiters(IdentityStoreError(.unavailable, "the replication stream was interrupted; retry"))
                try await Task.sleep(for: retryDelay)
                retryDelay = min(retryDelay * 2, .seconds(2))
            }
        }
    }

    /// Reads and applies from `position` + 1 until the consumer ends.
    private func consume(from position: UInt64) async throws {
        let consumer = try await js.orderedConsumer(
            stream: settings.stream, deliverPolicy: .byStartSequence(position + 1), heartbeat: .seconds(1))
        do {
            try await drain(consumer, from: position)
        } catch {
            await consumer.stop()
            throw error
        }
        await consumer.stop()
    }

    /// Reads deliveries in one child task and applies them in another, so whatever arrived
    /// while a transaction committed is applied together in the next one (group commit: one
    /// fsync for a burst of writes instead of one each).
    private func drain(_ consumer: OrderedConsumer, from position: UInt64) async throws {
        setHealth(.applying)
        logger.info("replication applying", metadata: [
            "replication.stream": .string(settings.stream), "replication.from": .stringConvertible(position + 1),
        ])
        let inbox = DeliveryQueue()
        let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { signal.finish() }
                var expected = position + 1
                var iterator = consumer.makeAsyncIterator()
                while let message = try await iterator.next() {
                    let sequence = message.streamSequence
                    if sequence < expected { continue }
                    let delivery: DeliveryQueue.Delivery
                    if sequence != expected {
                        delivery = .failure("""
                            the stream continues at sequence \(sequence) but this replica applied up to \(expected - 1) \
                            (purged below its position); restore a snapshot
                            """)
                    } else {
                        do {
                            delivery = .command(try ReplicationCommand.decode(message.payload.readableBytesView),
                                                sequence: sequence)
                        } catch {
                            delivery = .failure("stream sequence \(sequence): \(error)")
                        }
                    }
                    expected = sequence + 1
                    inbox.append(delivery)
                    signal.yield()
                    if case .failure = delivery { return }
                }
            }
            group.addTask {
                for await _ in signals {
                    while true {
                        let deliveries = inbox.take(upTo: Self.maxBatch)
                        if deliveries.isEmpty { break }
                        var batch: [(command: ReplicationCommand, sequence: UInt64)] = []
                        for delivery in deliveries {
                            switch delivery {
                            case .command(let command, let sequence):
                                batch.append((command, sequence))
                            case .failure(let reason):
                                try await self.applyBatch(&batch)
                                throw ReplicationFailure(reason: reason)
                            }
                        }
                        try await self.applyBatch(&batch)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Applies `batch` in one transaction, hands each own command's outcome to its writer,
    /// and reports the new position.
    private func applyBatch(_ batch: inout [(command: ReplicationCommand, sequence: UInt64)]) async throws {
        guard let last = batch.last?.sequence else { return }
        let outcomes: [ReplicationOutcome]
        do {
            outcomes = try await database.apply(batch, stream: settings.stream)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ReplicationFailure(reason: "applying stream sequences \(batch[0].sequence)...\(last) failed: \(error)")
        }
        let (waiters, observers) = state.withLock { state in
            state.appliedSequence = max(state.appliedSequence, last)
            let waiters = zip(batch, outcomes).compactMap { item, outcome in
                state.waiters[item.command.id].map { ($0, outcome) }
            }
            return (waiters, Array(state.observers.values))
        }
        batch.removeAll(keepingCapacity: true)
        for (waiter, outcome) in waiters { waiter.resolve(.success(outcome)) }
        for observer in observers { observer.yield(last) }
    }

    /// Stops for good: unhealthy, every waiting writer answered 503.
    private func stop(_ reason: String) {
        logger.critical("replication stopped: this replica no longer follows the stream and refuses writes",
                        metadata: ["replication.reason": .string(reason)])
        setHealth(.stopped(reason: reason))
        failWaiters(IdentityStoreError(.unavailable, "this replica stopped applying the replication stream"))
    }

    private func failWaiters(_ error: IdentityStoreError) {
        let waiters = state.withLock { Array($0.waiters.values) }
        for waiter in waiters { waiter.resolve(.failure(error)) }
    }
}

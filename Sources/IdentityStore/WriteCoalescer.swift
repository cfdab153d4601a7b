import GRDB

/// Group commit: write operations that arrive while a commit is being synced to disk are run
/// together in the next transaction, each inside its own savepoint.
///
/// With `synchronous=FULL` every commit waits for an fsync of the WAL, so one transaction per
/// operation caps durable writes at the disk's sync rate (docs/scim.md, "Group commit"). Sharing
/// the sync keeps every operation atomic (a failing one rolls back to its savepoint and leaves
/// the others alone) and durable (no caller is answered before the shared commit is on disk),
/// while throughput grows with concurrency. A lone write is not delayed: the drain starts as soon
/// as the first operation is queued.
actor WriteCoalescer {
    private final class Job: @unchecked Sendable {
        // Touched only on the writer's queue (run) and then by the drain after the write returns.
        let body: @Sendable (Database) throws -> any Sendable
        var result: Result<any Sendable, any Error>?
        let continuation: CheckedContinuation<any Sendable, any Error>

        init(body: @escaping @Sendable (Database) throws -> any Sendable,
             continuation: CheckedContinuation<any Sendable, any Error>) {
            self.body = body
            self.continuation = continuation
        }
    }

    private let writer: any DatabaseWriter
    private var pending: [Job] = []
    private var draining = false
    /// The most operations sharing one transaction (bounds the time the writer is held).
    private let maxBatch = 256

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Runs `body` atomically in a write transaction (possibly shared with other operations)
    /// and returns once that transaction is committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            pending.append(Job(body: { db in try body(db) }, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
        guard let typed = value as? T else {
            throw IdentityStoreError(.conflict, "internal: unexpected write result type")
        }
        return typed
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            do {
                try await writer.write { db in
                    for job in batch {
                        do {
                            var value: (any Sendable)?
                            try db.inSavepoint {
                                value = try job.body(db)
                                return .commit
                            }
                            if let value { job.result = .success(value) }
                        } catch {
                            job.result = .failure(error)
                        }
                    }
                }
                for job in batch {
                    switch job.result {
                    case .success(let value): job.continuation.resume(returning: value)
                    case .failure(let error): job.continuation.resume(throwing: error)
                    case nil: job.continuation.resume(throwing: IdentityStoreError(.conflict, "write was not run"))
                    }
                }
            } catch {
                // The shared commit failed: nothing of the batch is on disk.
                for job in batch { job.continuation.resume(throwing: error) }
            }
        }
        draining = false
    }
}

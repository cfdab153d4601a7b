import Foundation
import GRDB

extension IdentityDatabase {
    /// Changes with a sequence number greater than `seq`, oldest first, at most `limit`.
    public func changes(after seq: Int64, limit: Int = 1000) async throws -> [ChangeRecord] {
        try await writer.read { db in
            try ChangeRow.fetchAll(db, sql: "SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
                                   arguments: [seq, max(0, limit)])
                .compactMap { row in
                    guard let seq = row.seq, let type = ResourceKind(rawValue: row.resourceType),
                          let operation = ChangeOperation(rawValue: row.operation)
                    else { return nil }
                    return ChangeRecord(seq: seq, at: Date(timeIntervalSince1970: row.at), resourceType: type,
                                        resourceId: row.resourceId, operation: operation, origin: row.origin)
                }
        }
    }

    /// The highest change sequence number so far (0 for an empty store).
    public func latestChangeSequence() async throws -> Int64 {
        try await writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM changes") ?? 0
        }
    }

    /// An element after each commit of this process that recorded a change (SCIM writes,
    /// replicated applies, token and CLI writes through this store), so a watcher need not wait
    /// for its next poll. Commits by other processes are seen only by polling ``changes(after:limit:)``.
    /// The observation ends when the stream's consumer stops iterating.
    public func changeCommits() async throws -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let observation = DatabaseRegionObservation(tracking: Table("changes"))
        // Started on the writer's queue, so it does not block the caller's thread to get there.
        let writer = self.writer
        let cancellable = try await writer.writeWithoutTransaction { _ in
            observation.start(in: writer, onError: { _ in continuation.finish() }, onChange: { _ in continuation.yield() })
        }
        continuation.onTermination = { _ in cancellable.cancel() }
        return stream
    }
}

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
}

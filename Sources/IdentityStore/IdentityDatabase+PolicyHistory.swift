import Foundation
import GRDB

extension IdentityDatabase {
    /// Records that the service loaded the policy file `content` at `loadedAt`.
    /// - Returns: the stored revision.
    @discardableResult
    public func recordPolicyLoad(_ content: Data, at loadedAt: Date) async throws -> PolicyRevision {
        let record = PolicyHistoryRecord(seq: nil, loadedAt: loadedAt.timeIntervalSince1970,
                                         sha256: PolicyRevision.sha256(of: content), content: content)
        let stored = try await writer.write { db in
            try record.insert(db)
            var stored = record
            stored.seq = db.lastInsertedRowID
            return stored
        }
        return Self.revision(stored)
    }

    /// The policy in force at `date`: the last one loaded at or before it, or nil when none was
    /// recorded by then.
    public func policyRevision(asOf date: Date) async throws -> PolicyRevision? {
        try await writer.read { db in
            try PolicyHistoryRecord
                .filter(sql: "loaded_at <= ?", arguments: [date.timeIntervalSince1970])
                .order(Column("loaded_at").desc, Column("seq").desc)
                .fetchOne(db).map(Self.revision)
        }
    }

    /// The newest `limit` policy loads, newest first.
    public func policyHistory(limit: Int) async throws -> [PolicyRevision] {
        try await writer.read { db in
            try PolicyHistoryRecord.order(Column("seq").desc).limit(limit).fetchAll(db).map(Self.revision)
        }
    }

    /// Every active user with its direct groups, as the auth callout reads one (the same
    /// statement), ordered by `userName`.
    public func activeIdentities() async throws -> [Identity] {
        try await writer.read { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM users WHERE active = 1 ORDER BY user_name_key, id")
            return try ids.compactMap { try AuthStatements.identity(db, AuthStatements.byID, $0) }
        }
    }

    private static func revision(_ record: PolicyHistoryRecord) -> PolicyRevision {
        PolicyRevision(sequence: record.seq ?? 0, loadedAt: Date(timeIntervalSince1970: record.loadedAt),
                       sha256: record.sha256, content: record.content)
    }
}

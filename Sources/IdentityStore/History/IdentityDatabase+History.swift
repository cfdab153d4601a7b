import Foundation
import GRDB

extension IdentityDatabase {
    /// History entries, oldest first: of one resource (by id) or of all, within `[since, until)`.
    /// - Parameters:
    ///   - resource: a user's or group's id; nil for every resource.
    ///   - since: inclusive lower bound on the commit time.
    ///   - until: exclusive upper bound on the commit time.
    ///   - after: only entries with a greater ``HistoryEntry/sequence`` (to read page by page).
    ///   - limit: at most this many entries (the oldest).
    public func historyEntries(
        resource: String? = nil, since: Date? = nil, until: Date? = nil, after: Int64? = nil, limit: Int = 100_000
    ) async throws -> [HistoryEntry] {
        try await writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let resource { conditions.append("resource_id = ?"); arguments += [resource] }
            if let since { conditions.append("at >= ?"); arguments += [since.timeIntervalSince1970] }
            if let until { conditions.append("at < ?"); arguments += [until.timeIntervalSince1970] }
            if let after { conditions.append("seq > ?"); arguments += [after] }
            arguments += [max(0, limit)]
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try HistoryRow.fetchAll(
                db, sql: "SELECT * FROM identity_history \(filter) ORDER BY seq LIMIT ?", arguments: arguments)
                .compactMap(Self.entry)
        }
    }

    /// The ids of the users ever named `userName` (caselessly) in history, oldest first: one
    /// name may have been several users over time (deleted, then provisioned again).
    public func historyUserIds(named userName: String) async throws -> [String] {
        try await writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT resource_id FROM identity_history WHERE resource_key = ? AND resource_type = 'User'
                GROUP BY resource_id ORDER BY MIN(seq)
                """, arguments: [IdentityKey.fold(userName)])
        }
    }

    /// The users that were active at `date`, each with the `displayName`s (as of `date`) of the
    /// groups it was a direct member of then, reconstructed by replaying history up to `date`.
    ///
    /// History starts with a `baseline` entry per resource that existed when the history
    /// migration ran (and, after pruning, at the retention cutoff); state before the earliest
    /// baseline is unknown, so a `date` before it yields only what was created since.
    public func activeUsersWithGroups(asOf date: Date) async throws -> [HistoricalUser] {
        try await writer.read { db in
            var replay = HistoryReplay()
            let rows = try HistoryRow.fetchCursor(
                db, sql: "SELECT * FROM identity_history WHERE at <= ? ORDER BY seq",
                arguments: [date.timeIntervalSince1970])
            while let row = try rows.next() {
                if let entry = Self.entry(row) { replay.apply(entry) }
            }
            return replay.activeUsers
        }
    }

    /// The time of the oldest history entry (nil when history is empty): nothing before it is known.
    public func historyStart() async throws -> Date? {
        try await writer.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(at) FROM identity_history").map(Date.init(timeIntervalSince1970:))
        }
    }

    /// Records that the callout cut the live sessions of user `userId` (`count` may be 0: the
    /// revocation ran and found nothing live), so deprovisioning can be proven later.
    public func recordSessionsCut(
        userId: String, userName: String, count: Int, reason: String, at: Date, author: ChangeAuthor
    ) async throws {
        let at = (at.timeIntervalSince1970 * 1000).rounded() / 1000
        try await coalescer.write { db in
            try Self.appendHistory(db, at: at, author: try Self.resolve(author, db), type: .user, id: userId,
                                   name: userName, kind: .sessionsCut,
                                   changes: HistoryChanges(sessionsCut: count, reason: reason))
        }
    }

    /// Deletes history older than `cutoff` (retention). Each resource that still existed at the
    /// cutoff and loses entries gets a `baseline` entry at the cutoff with its state then, so
    /// ``activeUsersWithGroups(asOf:)`` stays right for any date after the cutoff.
    /// - Returns: how many entries were deleted.
    @discardableResult
    public func pruneHistory(olderThan cutoff: Date) async throws -> Int {
        let at = (cutoff.timeIntervalSince1970 * 1000).rounded() / 1000
        return try await writer.write { db in
            // Only baselines older than the cutoff (the usual hourly case): they stay, nothing to do.
            guard try Bool.fetchOne(db, sql: """
                SELECT 1 FROM identity_history WHERE at < ? AND kind != 'baseline' LIMIT 1
                """, arguments: [at]) ?? false
            else { return 0 }
            var replay = HistoryReplay()
            // Resources with an entry that a baseline does not replace (changes, deletions).
            var changed = Set<ResourceRef>()
            var old = Set<ResourceRef>()
            let rows = try HistoryRow.fetchCursor(
                db, sql: "SELECT * FROM identity_history WHERE at < ? ORDER BY seq", arguments: [at])
            while let row = try rows.next() {
                guard let entry = Self.entry(row) else { continue }
                replay.apply(entry)
                let ref = ResourceRef(type: entry.resourceType, id: entry.resourceId)
                old.insert(ref)
                if entry.kind != .baseline { changed.insert(ref) }
            }
            guard !old.isEmpty else { return 0 }
            let author = HistoryAuthor(name: "retention", tokenId: nil)
            var doomed: [ResourceRef] = []
            for ref in old.sorted(by: { ($0.type.rawValue, $0.id) < ($1.type.rawValue, $1.id) }) {
                let snapshot = ref.type == .user ? replay.baseline(user: ref.id) : replay.baseline(group: ref.id)
                if let snapshot {
                    guard changed.contains(ref) else { continue }  // only baselines: they stay
                    let name = ref.type == .user ? snapshot.userName?.to : snapshot.displayName?.to
                    try Self.appendHistory(db, at: at, author: author, type: ref.type, id: ref.id, name: name ?? ref.id,
                                           kind: .baseline, changes: snapshot)
                }
                doomed.append(ref)
            }
            try db.execute(sql: "INSERT INTO identity_history_prune (before) VALUES (?)", arguments: [at])
            var deleted = 0
            let delete = try db.makeStatement(sql: """
                DELETE FROM identity_history WHERE resource_type = ? AND resource_id = ? AND at < ?
                """)
            for ref in doomed {
                try delete.execute(arguments: [ref.type.rawValue, ref.id, at])
                deleted += db.changesCount
            }
            try db.execute(sql: "DELETE FROM identity_history_prune")
            return deleted
        }
    }

    /// How many history entries there are and the bytes their table and indexes take (the
    /// benchmark's cost figure; bytes are nil where SQLite has no `dbstat`).
    public func historySize() async throws -> (entries: Int, bytes: Int?) {
        try await writer.read { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM identity_history") ?? 0
            let bytes = try? Int.fetchOne(db, sql: """
                SELECT SUM(pgsize) FROM dbstat WHERE name = 'identity_history' OR name LIKE 'identity_history_%'
                """)
            return (count, bytes)
        }
    }

    /// A stored row as an entry (nil for a row this version cannot read).
    static func entry(_ row: HistoryRow) -> HistoryEntry? {
        guard let type = ResourceKind(rawValue: row.resourceType), let kind = HistoryKind(rawValue: row.kind),
              let changes = try? JSONDecoder().decode(HistoryChanges.self, from: Data(row.changes.utf8))
        else { return nil }
        return HistoryEntry(sequence: row.seq, at: Date(timeIntervalSince1970: row.at), author: row.author,
                            authorTokenId: row.authorTokenId, resourceType: type, resourceId: row.resourceId,
                            resourceName: row.resourceName, kind: kind, changes: changes)
    }
}

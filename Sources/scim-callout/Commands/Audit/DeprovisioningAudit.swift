import Foundation
import IdentityStore

/// `scim-callout audit deprovisioning`: every deprovisioning since a moment, with proof that it
/// took effect. Its JSON form is documented in docs/audit.md; `schema` names its version.
struct DeprovisioningAudit: Encodable, Sendable {
    static let schemaVersion = "scim-callout.audit.deprovisioning/v1"

    var schema = Self.schemaVersion
    var generatedAt: Date
    var since: Date
    /// The oldest identity history entry: nothing before it can be reported.
    var historyStart: Date?
    /// The oldest decision in the log: connects before it are unknown.
    var decisionsStart: Date?
    var events: [DeprovisioningEvent]
    /// How many events are flagged (an allowed connect after the change).
    var flagged: Int

    /// Builds the report from identity history and the decision log.
    static func build(
        since: Date, now: Date, database: IdentityDatabase, decisions: DecisionStore
    ) async throws -> DeprovisioningAudit {
        var events: [DeprovisioningEvent] = []
        var cursor: Int64?
        // Page by page: a proof must not stop at a page limit.
        while true {
            let page = try await database.historyEntries(since: since, after: cursor, limit: 10_000)
            guard let last = page.last else { break }
            for entry in page where entry.isDeprovisioning {
                let later = try await database.historyEntries(resource: entry.resourceId, after: entry.sequence)
                events.append(try await event(for: entry, later: later, decisions: decisions))
            }
            cursor = last.sequence
        }
        let oldest = try await decisions.decisions(DecisionQuery(limit: 1)).first?.record.time
        return DeprovisioningAudit(
            generatedAt: now, since: since, historyStart: try await database.historyStart(), decisionsStart: oldest,
            events: events, flagged: events.filter(\.flagged).count)
    }

    /// The evidence for one deprovisioning entry; `later` are the user's entries after it.
    static func event(
        for entry: HistoryEntry, later: [HistoryEntry], decisions: DecisionStore
    ) async throws -> DeprovisioningEvent {
        let change: DeprovisioningEvent.Change
        if entry.kind == .delete {
            change = .deleted
        } else if entry.changes.active?.from == true, entry.changes.active?.to == false {
            change = .deactivated
        } else {
            change = .removedFromGroups
        }
        let removed = Set((entry.changes.groupsRemoved ?? []).map(\.id))
        // The change holds until access is given back: reactivation, re-creation, re-joining.
        let restored = later.first { next in
            switch change {
            case .deleted: return next.kind == .create
            case .deactivated: return next.changes.active?.to == true || next.kind == .delete
            case .removedFromGroups:
                return next.kind == .delete || (next.changes.groupsAdded ?? []).contains { removed.contains($0.id) }
            }
        }
        let cut = later.first { next in
            next.kind == .sessionsCut && (restored.map { next.sequence < $0.sequence } ?? true)
        }
        let before = try await decisions.decisions(DecisionQuery(
            userID: entry.resourceId, result: .allow, until: entry.at, limit: 1, newestFirst: true)).first
        var after = try await decisions.decisions(DecisionQuery(
            userID: entry.resourceId, result: .allow, since: entry.at, until: restored?.at, limit: 1_000))
            .map(\.record)
            .filter { $0.time > entry.at }
        if change == .removedFromGroups {
            // Only connects the removed groups granted: other groups may still grant access.
            let names = Set((entry.changes.groupsRemoved ?? []).map(\.displayName))
            after = after.filter { !names.isDisjoint(with: $0.grantedBy) }
        }
        return DeprovisioningEvent(
            time: entry.at, change: change, userId: entry.resourceId, userName: entry.resourceName,
            author: entry.author, authorTokenId: entry.authorTokenId,
            groupsRemoved: (entry.changes.groupsRemoved ?? []).map(\.displayName).sorted(),
            sessionsCut: cut?.changes.sessionsCut, sessionsCutAt: cut?.at,
            sessionsCutAfterSeconds: cut.map { $0.at.timeIntervalSince(entry.at) },
            lastAllowBefore: before.map { AuditConnect($0.record) }, allowsAfter: after.map(AuditConnect.init),
            flagged: !after.isEmpty)
    }
}

import Foundation
import IdentityStore

/// `scim-callout audit user <name>`: one identity's changes, decisions and revocations in time
/// order. Its JSON form is documented in docs/audit.md; `schema` names its version.
struct UserTimeline: Encodable, Sendable {
    static let schemaVersion = "scim-callout.audit.user/v1"

    var schema = Self.schemaVersion
    var generatedAt: Date
    var userName: String
    /// Every SCIM id this name belonged to in history (a name can be deleted and provisioned again).
    var userIds: [String]
    var since: Date?
    var historyStart: Date?
    var events: [TimelineEvent]

    static func build(
        userName: String, since: Date?, limit: Int, now: Date, database: IdentityDatabase, decisions: DecisionStore?
    ) async throws -> UserTimeline {
        let ids = try await database.historyUserIds(named: userName)
        var events: [TimelineEvent] = []
        for id in ids {
            for entry in try await database.historyEntries(resource: id, since: since) {
                events.append(event(entry))
            }
        }
        if let decisions {
            var seen = Set<String>()
            var records: [DecisionRecord] = []
            // By id (whatever name the client gave), and by name (denials of an unknown or deleted user).
            var queries = ids.map { DecisionQuery(userID: $0, since: since, limit: limit, newestFirst: true) }
            queries.append(DecisionQuery(userName: userName, since: since, limit: limit, newestFirst: true))
            for query in queries {
                for stored in try await decisions.decisions(query) where seen.insert(stored.record.id).inserted {
                    records.append(stored.record)
                }
            }
            events += records.map(event)
        }
        events.sort { $0.time < $1.time }
        return UserTimeline(generatedAt: now, userName: userName, userIds: ids, since: since,
                            historyStart: try await database.historyStart(), events: events)
    }

    static func event(_ entry: HistoryEntry) -> TimelineEvent {
        TimelineEvent(
            time: entry.at, source: entry.kind == .sessionsCut ? .revocation : .change, kind: entry.kind.rawValue,
            userId: entry.resourceId, userName: entry.resourceName, author: entry.author, changes: entry.changes,
            decision: nil, summary: summary(entry.kind, entry.changes))
    }

    static func event(_ record: DecisionRecord) -> TimelineEvent {
        let decision = TimelineEvent.Decision(
            id: record.id, result: record.result.rawValue, reason: record.reason.rawValue,
            authMethod: record.authMethod.rawValue, account: record.account, clientHost: record.clientHost,
            grantedBy: record.grantedBy, sessionsCut: record.sessionsCut)
        var summary = "\(record.result.rawValue) \(record.reason.rawValue)"
        if record.result == .allow, !record.grantedBy.isEmpty {
            summary += " granted by " + record.grantedBy.joined(separator: ",")
        }
        if let cut = record.sessionsCut { summary += " sessions cut \(cut)" }
        return TimelineEvent(
            time: record.time, source: record.result == .revoke ? .revocation : .decision, kind: record.result.rawValue,
            userId: record.userID, userName: record.userName, author: nil, changes: nil, decision: decision,
            summary: summary)
    }

    /// `active true→false; groups -ops`: what a change changed, in one line.
    static func summary(_ kind: HistoryKind, _ changes: HistoryChanges) -> String {
        var parts: [String] = []
        func describe<Value>(_ name: String, _ change: FieldChange<Value>?) {
            guard let change else { return }
            parts.append("\(name) \(change.from.map { "\($0)" } ?? "-")→\(change.to.map { "\($0)" } ?? "-")")
        }
        describe("active", changes.active)
        describe("userName", changes.userName)
        describe("displayName", changes.displayName)
        describe("externalId", changes.externalId)
        if let added = changes.nkeysAdded, !added.isEmpty { parts.append("nkeys +\(added.count)") }
        if let removed = changes.nkeysRemoved, !removed.isEmpty { parts.append("nkeys -\(removed.count)") }
        if changes.passwordChanged == true { parts.append("password changed") }
        for group in changes.groupsAdded ?? [] { parts.append("group +\(group.displayName)") }
        for group in changes.groupsRemoved ?? [] { parts.append("group -\(group.displayName)") }
        if let cut = changes.sessionsCut { parts.append("sessions cut \(cut)") }
        if let reason = changes.reason { parts.append("(\(reason))") }
        return parts.isEmpty ? (kind == .update ? "other attributes" : "-") : parts.joined(separator: "; ")
    }
}

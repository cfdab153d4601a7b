import Foundation
import GRDB

extension IdentityDatabase {
    /// Creates a group with `members`.
    /// - Parameters:
    ///   - lenientMembers: keep member ids that name no user or group (typed "User" unless
    ///     given) instead of refusing them; they resolve when a resource with that id appears.
    ///   - author: who makes the change, for identity history.
    /// - Throws: `.uniqueness` when the `displayName` is taken (caselessly); `.invalidValue` when
    ///   a member names no user or group (unless `lenientMembers`), and nothing is written.
    public func createGroup(
        _ input: GroupInput, members: [MemberInput] = [], id: String? = nil, lenientMembers: Bool = false,
        author: ChangeAuthor = .unattributed
    ) async throws -> StoredGroup {
        try Self.validate(input)
        let now = timestamp
        let id = id ?? UUID().uuidString.lowercased()
        return try await constrainedWrite { db in
            try Self.insertGroup(db, input, members: members, id: id, lenientMembers: lenientMembers, at: now,
                                 author: try Self.resolve(author, db))
        }
    }

    /// The group with `id`, or nil.
    /// - Parameter includeMembers: false skips reading members (huge groups, `excludedAttributes=members`).
    public func group(id: String, includeMembers: Bool = true) async throws -> StoredGroup? {
        try await writer.read { db in
            guard let record = try GroupRecord.fetchOne(db, key: id) else { return nil }
            return StoredGroup(record, members: includeMembers ? try Self.members(db, groupId: id) : nil)
        }
    }

    /// True when `memberId` is a direct member of group `groupId` (one index probe).
    public func isMember(_ memberId: String, ofGroup groupId: String) async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM group_members WHERE group_id = ? AND member_id = ?",
                              arguments: [groupId, memberId]) ?? false
        }
    }

    /// The number of direct members of a group.
    public func memberCount(groupId: String) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM group_members WHERE group_id = ?",
                             arguments: [groupId]) ?? 0
        }
    }

    /// Replaces a group with what `transform` computes from its current state (members not loaded).
    ///
    /// Runs `transform` outside the transaction and re-runs it when the group changed meanwhile;
    /// member deltas touch only the named rows, so patching a 100,000-member group stays cheap.
    /// - Parameters:
    ///   - lenientMembers: keep added member ids that name no user or group.
    ///   - author: who makes the change, for identity history.
    /// - Throws: `.notFound`, `.preconditionFailed`, `.uniqueness`, `.invalidValue` when an added
    ///   member names no user or group (unless `lenientMembers`; nothing is written), or what
    ///   `transform` throws.
    public func updateGroup(
        id: String,
        ifMatch: Int64? = nil,
        lenientMembers: Bool = false,
        author: ChangeAuthor = .unattributed,
        _ transform: @Sendable (StoredGroup) async throws -> GroupUpdate
    ) async throws -> StoredGroup {
        try await optimisticUpdate(.group, id: id, ifMatch: ifMatch,
                                   read: { try await group(id: id, includeMembers: false) }) { current in
            let update = try await transform(current)
            try Self.validate(update.input)
            return { db, now in
                try Self.writeGroupUpdate(db, id: id, basedOn: current.version, update, lenientMembers: lenientMembers,
                                          at: now, author: try Self.resolve(author, db))
            }
        }
    }

    /// Deletes a group and its memberships.
    /// - Parameter author: who makes the change, for identity history.
    public func deleteGroup(id: String, ifMatch: Int64? = nil, author: ChangeAuthor = .unattributed) async throws {
        let now = timestamp
        try await coalescer.write { db in
            try Self.deleteGroupRows(db, id: id, ifMatch: ifMatch, at: now, author: try Self.resolve(author, db))
        }
    }

    /// All members of a group (ordered by id).
    public func members(ofGroup groupId: String) async throws -> [StoredMember] {
        try await writer.read { db in try Self.members(db, groupId: groupId) }
    }

    // MARK: - Helpers

    /// Inserts a group with `members` in the caller's transaction (a SCIM create, or its
    /// replicated command).
    static func insertGroup(
        _ db: Database, _ input: GroupInput, members: [MemberInput], id: String, lenientMembers: Bool,
        at now: Double, author: HistoryAuthor,
        assignedVersion: Int64? = nil
    ) throws -> StoredGroup {
        let version = try nextVersion(db, at: now, type: .group, id: id, operation: .create, assigned: assignedVersion)
        let record = GroupRecord(
            id: id, displayName: input.displayName, displayNameKey: IdentityKey.fold(input.displayName),
            externalId: input.externalId, resource: input.resource, version: version, created: now,
            lastModified: now)
        try record.insert(db)
        var delta = MembershipDelta()
        try addMembers(db, groupId: id, members: members, lenient: lenientMembers, seq: version, at: now, delta: &delta)
        var changes = membersChanges(delta)
        changes.displayName = FieldChange(from: nil, to: input.displayName)
        changes.externalId = input.externalId.map { FieldChange(from: nil, to: $0) }
        try appendHistory(db, at: now, author: author, type: .group, id: id, name: input.displayName,
                          kind: .create, changes: changes)
        try appendMembershipHistory(db, delta, at: now, author: author,
                                    group: HistoryGroup(id: id, displayName: input.displayName), onGroup: false)
        return StoredGroup(record, members: try Self.members(db, groupId: id))
    }

    /// Applies `update` to group `id` in the caller's transaction if the group is still at
    /// `version`; nil when it is not (the caller re-runs its transform).
    /// - Parameter ifMatch: checked before `expected`, so a stale ETag is a 412 even when the
    ///   writer's read was stale too.
    /// - Throws: `.notFound`, `.preconditionFailed`, `.invalidValue` for an unknown added member
    ///   (unless lenient).
    static func writeGroupUpdate(
        _ db: Database, id: String, ifMatch: Int64? = nil, basedOn expected: Int64, _ update: GroupUpdate,
        lenientMembers: Bool, at now: Double, author: HistoryAuthor, assignedVersion: Int64? = nil
    ) throws -> StoredGroup? {
        var record = try writable(try GroupRecord.fetchOne(db, key: id), .group, id: id, ifMatch: ifMatch)
        guard record.version == expected else { return nil }
        let version = try nextVersion(db, at: now, type: .group, id: id, operation: .update, assigned: assignedVersion)
        let before = record
        let renamed = record.displayName != update.input.displayName
            || record.externalId != update.input.externalId
        record.displayName = update.input.displayName
        record.displayNameKey = IdentityKey.fold(update.input.displayName)
        record.externalId = update.input.externalId
        record.resource = update.input.resource
        record.version = version
        record.lastModified = now
        try record.update(db)
        if renamed {
            // Members' Identity.groups carry the name: tell the callout.
            try touchAllMemberUsers(db, groupId: id, seq: version, at: now)
        }
        var delta = MembershipDelta()
        try apply(update.members, db, groupId: id, lenient: lenientMembers, seq: version, at: now, delta: &delta)
        var changes = membersChanges(delta)
        changes.displayName = .between(before.displayName, record.displayName)
        changes.externalId = .between(before.externalId, record.externalId)
        try appendHistory(db, at: now, author: author, type: .group, id: id, name: record.displayName,
                          kind: .update, changes: changes)
        try appendMembershipHistory(db, delta, at: now, author: author,
                                    group: HistoryGroup(id: id, displayName: record.displayName), onGroup: false)
        return StoredGroup(record, members: nil)
    }

    /// Deletes group `id` and its memberships in the caller's transaction.
    /// - Throws: `.notFound`, `.preconditionFailed`.
    static func deleteGroupRows(
        _ db: Database, id: String, ifMatch: Int64?, at now: Double, author: HistoryAuthor,
        assignedVersion: Int64? = nil
    ) throws {
        let record = try writable(try GroupRecord.fetchOne(db, key: id), .group, id: id, ifMatch: ifMatch)
        let version = try nextVersion(db, at: now, type: .group, id: id, operation: .delete, assigned: assignedVersion)
        try appendGroupDeletionHistory(db, record, at: now, author: author)
        try touchAllMemberUsers(db, groupId: id, seq: version, at: now)
        try removeFromAllGroups(db, memberId: id, version: version, at: now)
        _ = try GroupRecord.deleteOne(db, key: id)
    }

    /// Takes a deleted user or group out of every group it was a direct member of; those groups
    /// lose a member, so their version and lastModified move on.
    static func removeFromAllGroups(_ db: Database, memberId: String, version: Int64, at now: Double) throws {
        try db.execute(sql: """
            UPDATE groups SET version = ?, last_modified = ?
            WHERE id IN (SELECT group_id FROM group_members WHERE member_id = ?)
            """, arguments: [version, now, memberId])
        try db.execute(sql: "DELETE FROM group_members WHERE member_id = ?", arguments: [memberId])
    }

    static func validate(_ input: GroupInput) throws {
        guard !input.displayName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw IdentityStoreError(.invalidValue, "displayName must not be empty")
        }
    }

    static func members(_ db: Database, groupId: String) throws -> [StoredMember] {
        try Row.fetchAll(db, sql: """
            SELECT m.member_id, m.member_type, COALESCE(u.display_name, u.user_name, g.display_name) AS display
            FROM group_members m
            LEFT JOIN users u ON m.member_type = 'User' AND u.id = m.member_id
            LEFT JOIN groups g ON m.member_type = 'Group' AND g.id = m.member_id
            WHERE m.group_id = ? ORDER BY m.member_id
            """, arguments: [groupId]).map {
            StoredMember(value: $0["member_id"], type: $0["member_type"], display: $0["display"])
        }
    }

    /// The type of a member id: what the store knows, else (when `lenient`, or when the id is
    /// already a member of `groupId`, kept from a lenient write) what the client said, else "User".
    /// - Throws: `.invalidValue` when the id names no user or group and `lenient` is false.
    static func memberType(_ db: Database, _ member: MemberInput, groupId: String, lenient: Bool) throws -> String {
        let known = try String.fetchOne(db.cachedStatement(sql: """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE id = ?1) THEN 'User'
                        WHEN EXISTS (SELECT 1 FROM groups WHERE id = ?1) THEN 'Group' END
            """), arguments: [member.value])
        if let known { return known }
        if !lenient {
            // Only new members are refused: a PUT may repeat one an earlier lenient write kept.
            guard let kept = try String.fetchOne(db.cachedStatement(sql: """
                SELECT member_type FROM group_members WHERE group_id = ? AND member_id = ?
                """), arguments: [groupId, member.value])
            else {
                throw IdentityStoreError(
                    .invalidValue, "member '\(member.value.prefix(100))' is not the id of any User or Group")
            }
            return kept
        }
        if let type = member.type, type.caseInsensitiveCompare("Group") == .orderedSame { return "Group" }
        return "User"
    }

    static func addMembers(
        _ db: Database, groupId: String, members: [MemberInput], lenient: Bool, seq: Int64, at: Double,
        delta: inout MembershipDelta
    ) throws {
        var seen = Set<String>()
        for member in members where seen.insert(member.value).inserted {
            guard member.value != groupId else {
                throw IdentityStoreError(.invalidValue, "a group cannot be a member of itself")
            }
            let type = try memberType(db, member, groupId: groupId, lenient: lenient)
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO group_members (group_id, member_id, member_type) VALUES (?, ?, ?)
                """).execute(arguments: [groupId, member.value, type])
            guard db.changesCount > 0 else { continue }
            delta.add(member.value, type: type)
            if type == "User" { try touchUser(db, userId: member.value, seq: seq, at: at) }
        }
    }

    static func removeMembers(
        _ db: Database, groupId: String, memberIds: [String], seq: Int64, at: Double, delta: inout MembershipDelta
    ) throws {
        for memberId in Set(memberIds) {
            let type = try String.fetchOne(db.cachedStatement(sql: """
                DELETE FROM group_members WHERE group_id = ? AND member_id = ? RETURNING member_type
                """), arguments: [groupId, memberId])
            guard let type else { continue }
            delta.remove(memberId, type: type)
            if type == "User" { try touchUser(db, userId: memberId, seq: seq, at: at) }
        }
    }

    static func apply(
        _ update: MembershipUpdate, _ db: Database, groupId: String, lenient: Bool, seq: Int64, at: Double,
        delta: inout MembershipDelta
    ) throws {
        switch update {
        case .keep:
            break
        case .replace(let members):
            try replaceMembers(db, groupId: groupId, members: members, lenient: lenient, seq: seq, at: at,
                               delta: &delta)
        case .delta(let add, let remove):
            try removeMembers(db, groupId: groupId, memberIds: remove, seq: seq, at: at, delta: &delta)
            try addMembers(db, groupId: groupId, members: add, lenient: lenient, seq: seq, at: at, delta: &delta)
        case .removeAll:
            try replaceMembers(db, groupId: groupId, members: [], lenient: lenient, seq: seq, at: at, delta: &delta)
        case .sequence(let updates):
            for update in updates {
                try apply(update, db, groupId: groupId, lenient: lenient, seq: seq, at: at, delta: &delta)
            }
        }
    }

    static func replaceMembers(
        _ db: Database, groupId: String, members: [MemberInput], lenient: Bool, seq: Int64, at: Double,
        delta: inout MembershipDelta
    ) throws {
        let wanted = Set(members.map(\.value))
        let existing = try String.fetchAll(db, sql: "SELECT member_id FROM group_members WHERE group_id = ?",
                                           arguments: [groupId])
        try removeMembers(db, groupId: groupId, memberIds: existing.filter { !wanted.contains($0) },
                          seq: seq, at: at, delta: &delta)
        try addMembers(db, groupId: groupId, members: members, lenient: lenient, seq: seq, at: at, delta: &delta)
    }

    /// History of a group deletion: the group's entry, a `groupsRemoved` entry for each member
    /// user, a `membersRemoved` entry for each group it was a member of.
    static func appendGroupDeletionHistory(_ db: Database, _ record: GroupRecord, at: Double, author: HistoryAuthor) throws {
        try appendHistory(db, at: at, author: author, type: .group, id: record.id, name: record.displayName,
                          kind: .delete, changes: HistoryChanges(displayName: FieldChange(from: record.displayName, to: nil)))
        let group = HistoryGroup(id: record.id, displayName: record.displayName)
        let users = try String.fetchAll(db, sql: """
            SELECT member_id FROM group_members WHERE group_id = ? AND member_type = 'User' ORDER BY member_id
            """, arguments: [record.id])
        for userId in users {
            try appendUserMembership(db, userId: userId, at: at, author: author,
                                     changes: HistoryChanges(groupsRemoved: [group]))
        }
        for parent in try groupRefs(db, memberId: record.id) {
            try appendHistory(db, at: at, author: author, type: .group, id: parent.id, name: parent.displayName,
                              kind: .membership, changes: HistoryChanges(membersRemoved: [record.id]))
        }
    }

    /// Records a membership change for one user and moves its version on (if it exists yet).
    static func touchUser(_ db: Database, userId: String, seq: Int64, at: Double) throws {
        try db.cachedStatement(sql: "UPDATE users SET version = ?, last_modified = ? WHERE id = ?")
            .execute(arguments: [seq, at, userId])
        if db.changesCount > 0 {
            _ = try recordChange(db, at: at, type: .user, id: userId, operation: .membership)
        }
    }

    /// Records a membership change for every user in a group (rename, delete).
    static func touchAllMemberUsers(_ db: Database, groupId: String, seq: Int64, at: Double) throws {
        try db.execute(sql: """
            UPDATE users SET version = ?, last_modified = ?
            WHERE id IN (SELECT member_id FROM group_members WHERE group_id = ? AND member_type = 'User')
            """, arguments: [seq, at, groupId])
        try db.execute(sql: """
            INSERT INTO changes (at, resource_type, resource_id, operation)
            SELECT ?, 'User', m.member_id, 'membership' FROM group_members m
            JOIN users u ON u.id = m.member_id
            WHERE m.group_id = ? AND m.member_type = 'User'
            """, arguments: [at, groupId])
    }
}

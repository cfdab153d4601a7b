import Foundation
import GRDB

extension IdentityDatabase {
    /// The name history records for `author`: a SCIM token's name as it is now, in the write's
    /// transaction (a token deleted meanwhile is recorded by id alone).
    static func resolve(_ author: ChangeAuthor, _ db: Database) throws -> HistoryAuthor {
        switch author {
        case .scimToken(let id):
            let name = try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM scim_tokens WHERE id = ?"),
                                           arguments: [id])
            return HistoryAuthor(name: name ?? "unknown SCIM token", tokenId: id)
        case .local(let name):
            return HistoryAuthor(name: name, tokenId: nil)
        }
    }

    /// Appends one history entry in the caller's transaction.
    static func appendHistory(
        _ db: Database, at: Double, author: HistoryAuthor, type: ResourceKind, id: String, name: String,
        kind: HistoryKind, changes: HistoryChanges
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(changes), as: UTF8.self)
        try db.cachedStatement(sql: """
            INSERT INTO identity_history
                (at, author, author_token_id, resource_type, resource_id, resource_name, resource_key, kind, changes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [at, author.name, author.tokenId, type.rawValue, id, name,
                                     IdentityKey.fold(name), kind.rawValue, json])
    }

    /// The nkeys of user `id`, sorted.
    static func nkeys(_ db: Database, userId: String) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT public_key FROM user_nkeys WHERE user_id = ? ORDER BY public_key"),
                            arguments: [userId])
    }

    /// Records what one group write did to its members: on the group's timeline (unless
    /// `onGroup` is false, when the group's own entry carries it) and on each member user's.
    static func appendMembershipHistory(
        _ db: Database, _ delta: MembershipDelta, at: Double, author: HistoryAuthor, group: HistoryGroup,
        onGroup: Bool = true
    ) throws {
        guard !delta.isEmpty else { return }
        if onGroup {
            try appendHistory(db, at: at, author: author, type: .group, id: group.id, name: group.displayName,
                              kind: .membership, changes: membersChanges(delta))
        }
        for (memberId, type) in delta.added.sorted(by: { $0.key < $1.key }) where type == "User" {
            try appendUserMembership(db, userId: memberId, at: at, author: author,
                                     changes: HistoryChanges(groupsAdded: [group]))
        }
        for (memberId, type) in delta.removed.sorted(by: { $0.key < $1.key }) where type == "User" {
            try appendUserMembership(db, userId: memberId, at: at, author: author,
                                     changes: HistoryChanges(groupsRemoved: [group]))
        }
    }

    /// A group entry's member changes from `delta` (nil fields when empty).
    static func membersChanges(_ delta: MembershipDelta) -> HistoryChanges {
        HistoryChanges(membersAdded: delta.added.isEmpty ? nil : delta.added.keys.sorted(),
                       membersRemoved: delta.removed.isEmpty ? nil : delta.removed.keys.sorted())
    }

    /// A membership entry on a user's timeline, when the user exists (members may name ids the
    /// store does not know yet).
    static func appendUserMembership(
        _ db: Database, userId: String, at: Double, author: HistoryAuthor, changes: HistoryChanges
    ) throws {
        guard let userName = try String.fetchOne(
            db.cachedStatement(sql: "SELECT user_name FROM users WHERE id = ?"), arguments: [userId])
        else { return }
        try appendHistory(db, at: at, author: author, type: .user, id: userId, name: userName,
                          kind: .membership, changes: changes)
    }

    /// The create entry of a user: its whole initial state (never the password, only whether one was set).
    static func userCreateChanges(_ input: UserInput, hasPassword: Bool, groups: [GroupRef]) -> HistoryChanges {
        HistoryChanges(
            active: FieldChange(from: nil, to: input.active), userName: FieldChange(from: nil, to: input.userName),
            displayName: input.displayName.map { FieldChange(from: nil, to: $0) },
            externalId: input.externalId.map { FieldChange(from: nil, to: $0) },
            nkeysAdded: Set(input.nkeys).sorted(), passwordChanged: hasPassword ? true : nil,
            groupsAdded: groups.map { HistoryGroup(id: $0.id, displayName: $0.displayName) })
    }
}

/// Replays identity history entries, oldest first, into the state they describe: which users
/// existed, active or not, in which groups, and the groups' names. Pure; no I/O.
///
/// A resource whose first entry was not replayed (it predates history, or its entries were
/// pruned without a baseline) is unknown to the replay: its later entries are ignored.
struct HistoryReplay {
    struct UserState: Equatable {
        var userName: String
        var active: Bool
        var externalId: String?
        var nkeys: Set<String>
        /// Group id → its `displayName` as the membership entry named it.
        var groups: [String: String]
    }

    struct GroupState: Equatable {
        var displayName: String
        var externalId: String?
    }

    private(set) var users: [String: UserState] = [:]
    private(set) var groups: [String: GroupState] = [:]

    mutating func apply(_ entry: HistoryEntry) {
        switch entry.resourceType {
        case .user: applyUser(entry)
        case .group: applyGroup(entry)
        }
    }

    private mutating func applyUser(_ entry: HistoryEntry) {
        let changes = entry.changes
        switch entry.kind {
        case .baseline, .create:
            var groups: [String: String] = [:]
            for group in changes.groupsAdded ?? [] { groups[group.id] = group.displayName }
            users[entry.resourceId] = UserState(
                userName: changes.userName?.to ?? entry.resourceName, active: changes.active?.to ?? true,
                externalId: changes.externalId?.to, nkeys: Set(changes.nkeysAdded ?? []), groups: groups)
        case .update, .membership:
            guard var user = users[entry.resourceId] else { return }
            user.userName = entry.resourceName
            if let active = changes.active?.to { user.active = active }
            if let externalId = changes.externalId { user.externalId = externalId.to }
            user.nkeys.formUnion(changes.nkeysAdded ?? [])
            user.nkeys.subtract(changes.nkeysRemoved ?? [])
            for group in changes.groupsAdded ?? [] { user.groups[group.id] = group.displayName }
            for group in changes.groupsRemoved ?? [] { user.groups[group.id] = nil }
            users[entry.resourceId] = user
        case .delete:
            users[entry.resourceId] = nil
        case .sessionsCut:
            break
        }
    }

    private mutating func applyGroup(_ entry: HistoryEntry) {
        switch entry.kind {
        case .baseline, .create, .update:
            let externalId = entry.changes.externalId.map(\.to) ?? groups[entry.resourceId]?.externalId
            groups[entry.resourceId] = GroupState(displayName: entry.resourceName, externalId: externalId)
        case .delete:
            groups[entry.resourceId] = nil
        case .membership, .sessionsCut:
            break
        }
    }

    /// The active users, each with the current names of its groups, by `userName`.
    var activeUsers: [HistoricalUser] {
        users.compactMap { id, user -> HistoricalUser? in
            guard user.active else { return nil }
            let names = user.groups.map { groupId, name in groups[groupId]?.displayName ?? name }
            return HistoricalUser(id: id, userName: user.userName, groups: names.sorted())
        }
        .sorted { ($0.userName, $0.id) < ($1.userName, $1.id) }
    }

    /// A baseline entry's changes describing user `id` as replayed (nil when unknown or deleted).
    func baseline(user id: String) -> HistoryChanges? {
        guard let user = users[id] else { return nil }
        let groups = user.groups.map { groupId, name in
            HistoryGroup(id: groupId, displayName: self.groups[groupId]?.displayName ?? name)
        }
        return HistoryChanges(
            active: FieldChange(from: nil, to: user.active), userName: FieldChange(from: nil, to: user.userName),
            externalId: user.externalId.map { FieldChange(from: nil, to: $0) }, nkeysAdded: user.nkeys.sorted(),
            groupsAdded: groups.sorted { ($0.displayName, $0.id) < ($1.displayName, $1.id) })
    }

    /// A baseline entry's changes describing group `id` as replayed (nil when unknown or deleted).
    func baseline(group id: String) -> HistoryChanges? {
        guard let group = groups[id] else { return nil }
        return HistoryChanges(displayName: FieldChange(from: nil, to: group.displayName),
                              externalId: group.externalId.map { FieldChange(from: nil, to: $0) })
    }
}

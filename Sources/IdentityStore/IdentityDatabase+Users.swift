import Foundation
import GRDB

extension IdentityDatabase {
    /// Creates a user.
    /// - Parameters:
    ///   - input: the indexed values and resource JSON.
    ///   - passwordHash: an argon2id hash from ``PasswordHasher``, if a password was given.
    ///   - id: the id to use (generated when nil).
    ///   - author: who makes the change, for identity history.
    /// - Throws: ``IdentityStoreError`` `.uniqueness` when `userName` or an nkey is taken.
    public func createUser(
        _ input: UserInput, passwordHash: String? = nil, id: String? = nil, author: ChangeAuthor = .unattributed
    ) async throws -> StoredUser {
        try Self.validate(input)
        let now = timestamp
        let id = id ?? UUID().uuidString.lowercased()
        return try await constrainedWrite { db in
            try Self.insertUser(db, input, passwordHash: passwordHash, id: id, at: now, author: try Self.resolve(author, db))
        }
    }

    /// The user with `id`, with its direct groups, or nil.
    public func user(id: String) async throws -> StoredUser? {
        try await writer.read { db in
            guard let record = try UserRecord.fetchOne(db, key: id) else { return nil }
            return StoredUser(record, groups: try Self.groupRefs(db, memberId: id))
        }
    }

    /// The user whose `userName` matches caselessly, with its direct groups, or nil.
    public func user(userName: String) async throws -> StoredUser? {
        try await writer.read { db in
            guard let record = try UserRecord.filter(UserRecord.Columns.userNameKey == IdentityKey.fold(userName))
                .fetchOne(db)
            else { return nil }
            return StoredUser(record, groups: try Self.groupRefs(db, memberId: record.id))
        }
    }

    /// Replaces a user with what `transform` computes from its current state (PUT or PATCH).
    ///
    /// `transform` runs outside the write transaction (it may hash a password); the write then
    /// checks that the user did not change meanwhile and re-runs `transform` if it did, so the
    /// whole update is applied atomically or not at all.
    /// - Parameters:
    ///   - ifMatch: the version the client expects (`If-Match`), or nil.
    ///   - author: who makes the change, for identity history.
    /// - Throws: `.notFound`, `.preconditionFailed`, `.uniqueness`, or what `transform` throws.
    public func updateUser(
        id: String,
        ifMatch: Int64? = nil,
        author: ChangeAuthor = .unattributed,
        _ transform: @Sendable (StoredUser) async throws -> UserUpdate
    ) async throws -> StoredUser {
        try await optimisticUpdate(.user, id: id, ifMatch: ifMatch, read: { try await user(id: id) }) { current in
            let update = try await transform(current)
            try Self.validate(update.input)
            return { db, now in
                try Self.writeUserUpdate(db, id: id, basedOn: current.version, update, at: now,
                                         author: try Self.resolve(author, db))
            }
        }
    }

    /// Deletes a user, its nkeys, access tokens and memberships.
    /// - Parameter author: who makes the change, for identity history.
    /// - Throws: `.notFound`, `.preconditionFailed`.
    public func deleteUser(id: String, ifMatch: Int64? = nil, author: ChangeAuthor = .unattributed) async throws {
        let now = timestamp
        try await coalescer.write { db in
            try Self.deleteUserRows(db, id: id, ifMatch: ifMatch, at: now, author: try Self.resolve(author, db))
        }
    }

    /// The number of users.
    public func userCount() async throws -> Int {
        try await writer.read { db in try UserRecord.fetchCount(db) }
    }

    // MARK: - Helpers

    /// Inserts a user in the caller's transaction (a SCIM create, or its replicated command).
    static func insertUser(
        _ db: Database, _ input: UserInput, passwordHash: String?, id: String, at now: Double, author: HistoryAuthor,
        assignedVersion: Int64? = nil
    ) throws -> StoredUser {
        let version = try nextVersion(db, at: now, type: .user, id: id, operation: .create, assigned: assignedVersion)
        let record = UserRecord(
            id: id, userName: input.userName, userNameKey: IdentityKey.fold(input.userName),
            externalId: input.externalId, displayName: input.displayName,
            displayNameKey: input.displayName.map(IdentityKey.fold), active: input.active,
            passwordHash: passwordHash, tags: jsonArray(input.tags),
            jwtLifetimeSeconds: input.jwtLifetimeSeconds, resource: input.resource,
            version: version, created: now, lastModified: now)
        try record.insert(db)
        try writeSecondaryRows(db, userId: id, input: input)
        // Unresolved memberships naming this id (member added before the user existed).
        let groups = try groupRefs(db, memberId: id)
        try appendHistory(db, at: now, author: author, type: .user, id: id, name: input.userName, kind: .create,
                          changes: userCreateChanges(input, hasPassword: passwordHash != nil, groups: groups))
        return StoredUser(record, groups: groups)
    }

    /// Applies `update` to user `id` in the caller's transaction if the user is still at
    /// `version`; nil when it is not (the caller re-runs its transform).
    /// - Parameter ifMatch: checked before `expected`, so a stale ETag is a 412 even when the
    ///   writer's read was stale too.
    /// - Throws: `.notFound`, `.preconditionFailed`.
    static func writeUserUpdate(
        _ db: Database, id: String, ifMatch: Int64? = nil, basedOn expected: Int64, _ update: UserUpdate,
        at now: Double, author: HistoryAuthor, assignedVersion: Int64? = nil
    ) throws -> StoredUser? {
        var record = try writable(try UserRecord.fetchOne(db, key: id), .user, id: id, ifMatch: ifMatch)
        guard record.version == expected else { return nil }
        let version = try nextVersion(db, at: now, type: .user, id: id, operation: .update, assigned: assignedVersion)
        let input = update.input
        let before = record
        let nkeysBefore = try nkeys(db, userId: id)
        record.userName = input.userName
        record.userNameKey = IdentityKey.fold(input.userName)
        record.externalId = input.externalId
        record.displayName = input.displayName
        record.displayNameKey = input.displayName.map(IdentityKey.fold)
        record.active = input.active
        record.tags = jsonArray(input.tags)
        record.jwtLifetimeSeconds = input.jwtLifetimeSeconds
        record.resource = input.resource
        switch update.password {
        case .keep: break
        case .set(let hash): record.passwordHash = hash
        case .remove: record.passwordHash = nil
        }
        record.version = version
        record.lastModified = now
        try record.update(db)
        try db.execute(sql: "DELETE FROM user_emails WHERE user_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM user_nkeys WHERE user_id = ?", arguments: [id])
        try writeSecondaryRows(db, userId: id, input: input)
        try appendHistory(
            db, at: now, author: author, type: .user, id: id, name: input.userName,
            kind: .update, changes: userUpdateChanges(
                before: before, after: record, nkeysBefore: nkeysBefore, nkeysAfter: Set(input.nkeys),
                password: update.password))
        return StoredUser(record, groups: try groupRefs(db, memberId: id))
    }

    /// Deletes user `id` in the caller's transaction.
    /// - Throws: `.notFound`, `.preconditionFailed`.
    static func deleteUserRows(
        _ db: Database, id: String, ifMatch: Int64?, at now: Double, author: HistoryAuthor,
        assignedVersion: Int64? = nil
    ) throws {
        let record = try writable(try UserRecord.fetchOne(db, key: id), .user, id: id, ifMatch: ifMatch)
        let version = try nextVersion(db, at: now, type: .user, id: id, operation: .delete, assigned: assignedVersion)
        let groups = try groupRefs(db, memberId: id)
        try appendHistory(
            db, at: now, author: author, type: .user, id: id, name: record.userName, kind: .delete,
            changes: HistoryChanges(
                active: FieldChange(from: record.active, to: nil), userName: FieldChange(from: record.userName, to: nil),
                groupsRemoved: groups.isEmpty ? nil : groups.map { HistoryGroup(id: $0.id, displayName: $0.displayName) }))
        for group in groups {
            try appendHistory(db, at: now, author: author, type: .group, id: group.id, name: group.displayName,
                              kind: .membership, changes: HistoryChanges(membersRemoved: [id]))
        }
        try removeFromAllGroups(db, memberId: id, version: version, at: now)
        _ = try UserRecord.deleteOne(db, key: id)
    }


    static func validate(_ input: UserInput) throws {
        guard !input.userName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw IdentityStoreError(.invalidValue, "userName must not be empty")
        }
    }

    static func writeSecondaryRows(_ db: Database, userId: String, input: UserInput) throws {
        for key in Set(input.emails.map(IdentityKey.fold)) {
            try UserEmailRecord(userId: userId, valueKey: key).insert(db)
        }
        for key in Set(input.nkeys) {
            try UserNKeyRecord(publicKey: key, userId: userId).insert(db)
        }
    }

    static func groupRefs(_ db: Database, memberId: String) throws -> [GroupRef] {
        try Row.fetchAll(db, sql: """
            SELECT g.id, g.display_name, g.external_id FROM group_members m
            JOIN groups g ON g.id = m.group_id WHERE m.member_id = ? ORDER BY g.display_name_key
            """, arguments: [memberId]).map {
            GroupRef(id: $0["id"], displayName: $0["display_name"], externalId: $0["external_id"])
        }
    }

    /// An update entry's changes: the tracked attributes that differ, and the fact (never the
    /// value) of a password change.
    static func userUpdateChanges(
        before: UserRecord, after: UserRecord, nkeysBefore: [String], nkeysAfter: Set<String>, password: PasswordUpdate
    ) -> HistoryChanges {
        let added = nkeysAfter.subtracting(nkeysBefore).sorted()
        let removed = Set(nkeysBefore).subtracting(nkeysAfter).sorted()
        let passwordChanged: Bool
        switch password {
        case .keep: passwordChanged = false
        case .set: passwordChanged = true
        case .remove: passwordChanged = before.passwordHash != nil
        }
        return HistoryChanges(
            active: .between(before.active, after.active), userName: .between(before.userName, after.userName),
            displayName: .between(before.displayName, after.displayName),
            externalId: .between(before.externalId, after.externalId),
            nkeysAdded: added.isEmpty ? nil : added, nkeysRemoved: removed.isEmpty ? nil : removed,
            passwordChanged: passwordChanged ? true : nil)
    }

    static func jsonArray(_ strings: [String]) -> String {
        guard let data = try? JSONEncoder().encode(strings) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension IdentityDatabase {
    /// Creates many users in transactions of `batchSize` (initial imports, benchmarks).
    ///
    /// Each user still gets its change row; a batch fails as a whole (e.g. on a duplicate
    /// `userName`), earlier batches stay committed.
    /// - Returns: the ids of the created users, in input order.
    @discardableResult
    public func importUsers(
        _ inputs: [UserInput], batchSize: Int = 10_000, author: ChangeAuthor = .unattributed
    ) async throws -> [String] {
        var ids: [String] = []
        ids.reserveCapacity(inputs.count)
        var start = inputs.startIndex
        while start < inputs.endIndex {
            let end = min(start + max(1, batchSize), inputs.endIndex)
            let batch = Array(inputs[start..<end])
            for input in batch { try Self.validate(input) }
            let now = timestamp
            do {
                let batchIds = try await writer.write { db in
                    let author = try Self.resolve(author, db)
                    return try batch.map { input in
                        try Self.insertUser(db, input, passwordHash: nil, id: UUID().uuidString.lowercased(), at: now,
                                            author: author).id
                    }
                }
                ids.append(contentsOf: batchIds)
            } catch {
                throw Self.mapConstraint(error)
            }
            start = end
        }
        return ids
    }
}

import IdentityStore
import SCIM

/// The SQLite store behind the SCIM routes. Reads and token lookups are the store's own methods;
/// writes translate the store's conflicts into the SCIM errors ``SCIMRepository`` promises.
extension IdentityDatabase: SCIMRepository {
    public func insertUser(_ input: UserInput, passwordHash: String?, author: ChangeAuthor) async throws -> StoredUser {
        try await translatingConflicts { try await createUser(input, passwordHash: passwordHash, author: author) }
    }

    public func modifyUser(
        id: String,
        ifMatch: Int64?,
        author: ChangeAuthor,
        _ transform: @Sendable (StoredUser) async throws -> UserUpdate
    ) async throws -> StoredUser {
        try await translatingConflicts { try await updateUser(id: id, ifMatch: ifMatch, author: author, transform) }
    }

    public func removeUser(id: String, ifMatch: Int64?, author: ChangeAuthor) async throws {
        try await translatingConflicts { try await deleteUser(id: id, ifMatch: ifMatch, author: author) }
    }

    public func insertGroup(_ input: GroupInput, members: [MemberInput], lenientMembers: Bool, author: ChangeAuthor)
        async throws -> StoredGroup
    {
        try await translatingConflicts {
            try await createGroup(input, members: members, lenientMembers: lenientMembers, author: author)
        }
    }

    public func modifyGroup(
        id: String,
        ifMatch: Int64?,
        lenientMembers: Bool,
        author: ChangeAuthor,
        _ transform: @Sendable (StoredGroup) async throws -> GroupUpdate
    ) async throws -> StoredGroup {
        try await translatingConflicts {
            try await updateGroup(id: id, ifMatch: ifMatch, lenientMembers: lenientMembers, author: author, transform)
        }
    }

    public func removeGroup(id: String, ifMatch: Int64?, author: ChangeAuthor) async throws {
        try await translatingConflicts { try await deleteGroup(id: id, ifMatch: ifMatch, author: author) }
    }

    /// Runs a write and rethrows the store's client-visible errors as SCIM errors. A password
    /// hashing failure (thrown by a transform) stays as it is so the error middleware logs it.
    private func translatingConflicts<Value>(_ write: () async throws -> Value) async throws -> Value {
        do {
            return try await write()
        } catch let error as IdentityStoreError where error.code != .passwordHashing {
            throw SCIMError(error)
        }
    }
}

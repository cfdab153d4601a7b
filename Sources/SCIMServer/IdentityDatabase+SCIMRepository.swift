import IdentityStore
import SCIM

/// The SQLite store behind the SCIM routes. Reads and token lookups are the store's own methods;
/// writes translate the store's conflicts into the SCIM errors ``SCIMRepository`` promises.
extension IdentityDatabase: SCIMRepository {
    public func insertUser(_ input: UserInput, passwordHash: String?, author: ChangeAuthor) async throws -> StoredUser {
        try await SCIMError.translatingStoreErrors { try await createUser(input, passwordHash: passwordHash, author: author) }
    }

    public func modifyUser(
        id: String,
        ifMatch: Int64?,
        author: ChangeAuthor,
        _ transform: @Sendable (StoredUser) async throws -> UserUpdate
    ) async throws -> StoredUser {
        try await SCIMError.translatingStoreErrors { try await updateUser(id: id, ifMatch: ifMatch, author: author, transform) }
    }

    public func removeUser(id: String, ifMatch: Int64?, author: ChangeAuthor) async throws {
        try await SCIMError.translatingStoreErrors { try await deleteUser(id: id, ifMatch: ifMatch, author: author) }
    }

    public func insertGroup(_ input: GroupInput, members: [MemberInput], lenientMembers: Bool, author: ChangeAuthor)
        async throws -> StoredGroup
    {
        try await SCIMError.translatingStoreErrors {
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
        try await SCIMError.translatingStoreErrors {
            try await updateGroup(id: id, ifMatch: ifMatch, lenientMembers: lenientMembers, author: author, transform)
        }
    }

    public func removeGroup(id: String, ifMatch: Int64?, author: ChangeAuthor) async throws {
        try await SCIMError.translatingStoreErrors { try await deleteGroup(id: id, ifMatch: ifMatch, author: author) }
    }
}

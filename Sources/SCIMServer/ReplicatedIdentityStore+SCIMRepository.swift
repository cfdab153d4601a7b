import IdentityStore
import SCIM

/// The replicated store behind the SCIM routes: reads and token lookups are the local
/// database's; writes go through the stream and answer with this replica's apply of them.
extension ReplicatedIdentityStore: SCIMRepository {
    public func authenticateSCIMToken(_ token: String) async throws -> String? {
        try await database.authenticateSCIMToken(token)
    }

    public func user(id: String) async throws -> StoredUser? {
        try await database.user(id: id)
    }

    public func users(
        _ query: ResourceQuery, includeGroups: Bool, residual: @Sendable (StoredUser) throws -> Bool
    ) async throws -> QueryPage<StoredUser> {
        try await database.users(query, includeGroups: includeGroups, residual: residual)
    }

    public func insertUser(_ input: UserInput, passwordHash: String?, author: ChangeAuthor) async throws -> StoredUser {
        try await SCIMError.translatingStoreErrors { try await createUser(input, passwordHash: passwordHash, author: author) }
    }

    public func modifyUser(
        id: String, ifMatch: Int64?, author: ChangeAuthor, _ transform: @Sendable (StoredUser) async throws -> UserUpdate
    ) async throws -> StoredUser {
        try await SCIMError.translatingStoreErrors { try await updateUser(id: id, ifMatch: ifMatch, author: author, transform) }
    }

    public func removeUser(id: String, ifMatch: Int64?, author: ChangeAuthor) async throws {
        try await SCIMError.translatingStoreErrors { try await deleteUser(id: id, ifMatch: ifMatch, author: author) }
    }

    public func group(id: String, includeMembers: Bool) async throws -> StoredGroup? {
        try await database.group(id: id, includeMembers: includeMembers)
    }

    public func members(ofGroup groupId: String) async throws -> [StoredMember] {
        try await database.members(ofGroup: groupId)
    }

    public func groups(
        _ query: ResourceQuery, includeMembers: Bool, residual: @Sendable (StoredGroup) throws -> Bool
    ) async throws -> QueryPage<StoredGroup> {
        try await database.groups(query, includeMembers: includeMembers, residual: residual)
    }

    public func insertGroup(_ input: GroupInput, members: [MemberInput], lenientMembers: Bool, author: ChangeAuthor)
        async throws -> StoredGroup
    {
        try await SCIMError.translatingStoreErrors {
            try await createGroup(input, members: members, lenientMembers: lenientMembers, author: author)
        }
    }

    public func modifyGroup(
        id: String, ifMatch: Int64?, lenientMembers: Bool, author: ChangeAuthor,
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

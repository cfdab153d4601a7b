import IdentityStore
import SCIM

/// What the SCIM routes need from storage: users and groups with their versions, list queries,
/// and the bearer tokens that authenticate requests.
///
/// ``SCIMRoutes`` depend on this protocol only. `IdentityDatabase` (SQLite) is the implementation
/// `serve` uses; a replicated store implements the same methods and the routes, status codes and
/// error bodies stay the same.
///
/// ## Versions and preconditions
///
/// Every resource carries a version (`meta.version`; the ETag is `W/"<version>"`) that changes
/// on every write to it, membership changes included. `ifMatch` is the version an `If-Match`
/// header names: nil means no precondition, any other value must equal the current version
/// (routes pass -1 for a tag that can never match).
///
/// ## Conflicts are decided by the implementation
///
/// A write decides its own conflicts, atomically with the write itself, and reports them as the
/// `SCIMError` the client receives:
/// - ``SCIMError/notFound(_:)`` (404) when the resource does not exist;
/// - ``SCIMError/uniqueness(_:)`` (409 `uniqueness`) when a user's `userName`, a group's
///   `displayName` (both compared caselessly) or an nkey belongs to another resource;
/// - ``SCIMError/preconditionFailed(_:)`` (412) when `ifMatch` is not the current version;
/// - a 409 without `scimType` when the write could not be applied because the resource kept
///   changing under it;
/// - ``SCIMError/invalidValue(_:)`` (400) for input the store cannot hold, and for a group member
///   whose `value` is the id of no user or group.
///
/// ## Members must exist
///
/// A group write that adds members (create, a PUT's member list, a PATCH `add` or `replace`)
/// checks, inside its own transaction and in the order the implementation applies writes, that
/// every added member is the id of an existing user or group; otherwise it throws
/// ``SCIMError/invalidValue(_:)`` naming the first unknown id and stores nothing of the request.
/// Only with `lenientMembers` (the `scim.lenient_members` setting) are such ids kept, to resolve
/// when a resource with that id appears. The check cannot be made by the routes beforehand: a
/// user may be deleted, or a replica may apply another write, between that check and the write.
///
/// Errors a `transform` closure throws reach the client unchanged. Any other error is answered
/// with a 500 whose cause is logged, never sent.
public protocol SCIMRepository: Sendable {
    // MARK: Authentication

    /// The id of the valid (unrevoked, unexpired) SCIM token `token`, or nil.
    ///
    /// Implementations compare in constant time and never log the token.
    func authenticateSCIMToken(_ token: String) async throws -> String?

    // MARK: Users

    /// The user with `id`, with its direct groups, or nil.
    func user(id: String) async throws -> StoredUser?

    /// One page of the users matching `query`.
    /// - Parameters:
    ///   - includeGroups: load each user's direct groups (rendering or filtering needs them).
    ///   - residual: decides the candidates the implementation's own filtering does not settle.
    func users(
        _ query: ResourceQuery,
        includeGroups: Bool,
        residual: @Sendable (StoredUser) throws -> Bool
    ) async throws -> QueryPage<StoredUser>

    /// Creates a user with a new id.
    /// Every write takes the `author` identity history records it under (the request's token).
    /// - Parameter passwordHash: an argon2id hash from `PasswordHasher`, if a password was given.
    /// - Throws: ``SCIMError/uniqueness(_:)`` when its `userName` or an nkey is taken.
    func insertUser(_ input: UserInput, passwordHash: String?, author: ChangeAuthor) async throws -> StoredUser

    /// Replaces user `id` with what `transform` computes from its current state (PUT and PATCH).
    ///
    /// `transform` may run more than once (when the user changed between the read and the
    /// write); the write applies the result to exactly the state it was computed from.
    /// - Throws: ``SCIMError/notFound(_:)``, ``SCIMError/preconditionFailed(_:)``,
    ///   ``SCIMError/uniqueness(_:)``, a 409 conflict, or what `transform` throws.
    func modifyUser(
        id: String,
        ifMatch: Int64?,
        author: ChangeAuthor,
        _ transform: @Sendable (StoredUser) async throws -> UserUpdate
    ) async throws -> StoredUser

    /// Deletes user `id`, its nkeys, access tokens and memberships.
    /// - Throws: ``SCIMError/notFound(_:)``, ``SCIMError/preconditionFailed(_:)``.
    func removeUser(id: String, ifMatch: Int64?, author: ChangeAuthor) async throws

    // MARK: Groups

    /// The group with `id`, or nil.
    /// - Parameter includeMembers: false skips the members (huge groups, `excludedAttributes=members`).
    func group(id: String, includeMembers: Bool) async throws -> StoredGroup?

    /// All direct members of group `groupId`.
    func members(ofGroup groupId: String) async throws -> [StoredMember]

    /// One page of the groups matching `query`.
    /// - Parameters:
    ///   - includeMembers: load each group's members.
    ///   - residual: decides the candidates the implementation's own filtering does not settle.
    func groups(
        _ query: ResourceQuery,
        includeMembers: Bool,
        residual: @Sendable (StoredGroup) throws -> Bool
    ) async throws -> QueryPage<StoredGroup>

    /// Creates a group with a new id and `members`.
    /// - Parameter lenientMembers: keep member ids that name no resource yet instead of refusing them.
    /// - Throws: ``SCIMError/uniqueness(_:)`` when its `displayName` is taken;
    ///   ``SCIMError/invalidValue(_:)`` when a member names no user or group (see above).
    func insertGroup(_ input: GroupInput, members: [MemberInput], lenientMembers: Bool, author: ChangeAuthor)
        async throws -> StoredGroup

    /// Replaces group `id` with what `transform` computes from its current state (members not
    /// loaded), PUT and PATCH alike; member deltas touch only the members they name.
    ///
    /// `transform` may run more than once, as for ``modifyUser(id:ifMatch:author:_:)``.
    /// - Parameter lenientMembers: keep added member ids that name no resource yet.
    /// - Throws: ``SCIMError/notFound(_:)``, ``SCIMError/preconditionFailed(_:)``,
    ///   ``SCIMError/uniqueness(_:)``, ``SCIMError/invalidValue(_:)`` when an added member names
    ///   no user or group, a 409 conflict, or what `transform` throws.
    func modifyGroup(
        id: String,
        ifMatch: Int64?,
        lenientMembers: Bool,
        author: ChangeAuthor,
        _ transform: @Sendable (StoredGroup) async throws -> GroupUpdate
    ) async throws -> StoredGroup

    /// Deletes group `id` and its memberships.
    /// - Throws: ``SCIMError/notFound(_:)``, ``SCIMError/preconditionFailed(_:)``.
    func removeGroup(id: String, ifMatch: Int64?, author: ChangeAuthor) async throws
}

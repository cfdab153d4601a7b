import AuthCallout
import Foundation
import IdentityStore
import Logging
import NIOConcurrencyHelpers
import TestSupport

/// A store file as production opens it (WAL, the auth readers and their shared lookup cache, the
/// arrival rule), so the end-to-end tests decide through the same read path as `serve`.
func makeDirectory() throws -> any CalloutDirectory {
    let folder = try TestEnvironment.temporaryDirectory("callout-store")
    let database = try IdentityDatabase.open(path: folder.appendingPathComponent("identity.sqlite").path,
                                             logger: RunningCallout.logger)
    return StoreDirectory(database: database, folder: folder)
}

/// The real identity store (SQLite, argon2id, hashed tokens), changed the way the SCIM server
/// changes it: users and groups with memberships.
final class StoreDirectory: CalloutDirectory, @unchecked Sendable {
    let database: IdentityDatabase
    /// What the test last wrote per user (the store's read model does not return every input field).
    private let inputs = NIOLockedValueBox<[String: (id: String, input: UserInput)]>([:])
    private let groupIDs = NIOLockedValueBox<[String: String]>([:])
    /// Removed with the directory (the store's file lives there).
    private let folder: URL?

    init(database: IdentityDatabase, folder: URL? = nil) {
        self.database = database
        self.folder = folder
    }

    deinit {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private static func resource(_ userName: String) -> String {
        #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(userName)"}"#
    }

    private func user(_ userName: String) throws -> (id: String, input: UserInput) {
        guard let entry = inputs.withLockedValue({ $0[userName] }) else {
            throw IdentityStoreError(.notFound, "test user \(userName) unknown")
        }
        return entry
    }

    private func groupID(_ name: String) async throws -> String {
        if let id = groupIDs.withLockedValue({ $0[name] }) { return id }
        let resource = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"\#(name)"}"#
        let group = try await database.createGroup(GroupInput(displayName: name, resource: resource))
        groupIDs.withLockedValue { $0[name] = group.id }
        return group.id
    }

    private func update(_ userName: String, password: PasswordUpdate = .keep, _ change: (inout UserInput) -> Void) async throws {
        var (id, input) = try user(userName)
        change(&input)
        let newInput = input
        _ = try await database.updateUser(id: id) { _ in UserUpdate(input: newInput, password: password) }
        inputs.withLockedValue { $0[userName] = (id, newInput) }
    }

    func addUser(_ userName: String, password: String?, groups: [String]) async throws -> String {
        let input = UserInput(userName: userName, resource: Self.resource(userName))
        let hash = try password.map { try PasswordHasher.testing.hashSync($0) }
        let created = try await database.createUser(input, passwordHash: hash)
        inputs.withLockedValue { $0[userName] = (created.id, input) }
        try await setGroups(userName, groups)
        return created.id
    }

    func setActive(_ userName: String, _ active: Bool) async throws { try await update(userName) { $0.active = active } }

    func setPassword(_ userName: String, _ password: String) async throws {
        try await update(userName, password: .set(hash: try PasswordHasher.testing.hashSync(password))) { _ in }
    }

    func setGroups(_ userName: String, _ groups: [String]) async throws {
        let id = try user(userName).id
        let known = groupIDs.withLockedValue { $0 }
        for name in Set(groups).union(known.keys) {
            let groupID = try await groupID(name)
            let isMember = try await database.isMember(id, ofGroup: groupID)
            let shouldBe = groups.contains(name)
            guard isMember != shouldBe else { continue }
            _ = try await database.updateGroup(id: groupID) { group in
                GroupUpdate(input: GroupInput(displayName: group.displayName, externalId: group.externalId, resource: group.resource),
                            members: shouldBe ? .delta(add: [MemberInput(value: id, type: "User")], remove: []) : .delta(add: [], remove: [id]))
            }
        }
    }

    func addNKey(_ userName: String, _ publicKey: String) async throws { try await update(userName) { $0.nkeys.append(publicKey) } }

    func setExternalID(_ userName: String, _ externalID: String?) async throws {
        try await update(userName) { $0.externalId = externalID }
    }

    func setEmails(_ userName: String, _ emails: [String]) async throws { try await update(userName) { $0.emails = emails } }

    func issueToken(_ userName: String) async throws -> String {
        try await database.issueAccessToken(userName: userName, name: "test").token
    }

    func revokeTokens(_ userName: String) async throws {
        for token in try await database.listAccessTokens(userName: userName) where token.revokedAt == nil {
            try await database.revokeAccessToken(id: token.id)
        }
    }

    func deleteUser(_ userName: String) async throws {
        try await database.deleteUser(id: try user(userName).id)
        _ = inputs.withLockedValue { $0.removeValue(forKey: userName) }
    }

    // The callout reads through the store's own conformances.
    func identity(for key: CredentialKey, asOf: DispatchTime?) throws -> Identity? { try database.identity(for: key, asOf: asOf) }
    func verifyPassword(_ password: String, hash: String) -> Bool { database.verifyPassword(password, hash: hash) }
    var decoyPasswordHash: String? { database.decoyPasswordHash }
    func latestChangeSequence() async throws -> Int64 { try await database.latestChangeSequence() }
    func identityChanges(after sequence: Int64, limit: Int) async throws -> [IdentityChange] {
        try await database.identityChanges(after: sequence, limit: limit)
    }
    func changeCommits() async throws -> AsyncStream<Void> { try await database.changeCommits() }
}

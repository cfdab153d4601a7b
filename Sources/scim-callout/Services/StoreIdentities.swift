import AuthCallout
import IdentityStore

/// The identity store as the callout reads it: `IdentityDatabase` behind AuthCallout's
/// `IdentityReading` and `IdentityChangeFeed` protocols.
///
/// An adapter in the executable keeps AuthCallout and IdentityStore independent of each other's
/// types beyond what the callout needs.
struct StoreIdentities: IdentityReading, IdentityChangeFeed {
    let database: IdentityDatabase

    func identity(id: String) async throws -> CalloutIdentity? {
        try await database.authSubject(id: id).map(Self.identity)
    }

    func identity(userName: String) async throws -> CalloutIdentity? {
        try await database.authSubject(userName: userName).map(Self.identity)
    }

    func identity(nkey: String) async throws -> CalloutIdentity? {
        try await database.authSubject(nkey: nkey).map(Self.identity)
    }

    func identity(accessToken: String) async throws -> CalloutIdentity? {
        try await database.authSubject(accessToken: accessToken).map(Self.identity)
    }

    func verifyPassword(_ password: String, hash: String) -> Bool {
        PasswordHasher.verifySync(password, hash: hash)
    }

    func latestChangeSequence() async throws -> Int64 {
        try await database.latestChangeSequence()
    }

    func identityChanges(after sequence: Int64, limit: Int) async throws -> [IdentityChange] {
        try await database.changes(after: sequence, limit: limit).map { change in
            IdentityChange(sequence: change.seq, kind: change.resourceType == .group ? .group : .user,
                           resourceID: change.resourceId)
        }
    }

    static func identity(_ subject: AuthSubject) -> CalloutIdentity {
        CalloutIdentity(
            id: subject.id, userName: subject.userName, externalId: subject.externalId, active: subject.active,
            passwordHash: subject.passwordHash, nkeys: subject.nkeys, version: subject.version,
            groups: subject.groups.map { PolicySubject.Group(displayName: $0.displayName, externalId: $0.externalId, id: $0.id) },
            jwtLifetimeSeconds: subject.jwtLifetimeSeconds)
    }
}

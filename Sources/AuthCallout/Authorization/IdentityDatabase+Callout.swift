import Foundation
import IdentityStore
import Policy

extension IdentityDatabase: IdentityReading {
    public func identity(id: String) throws -> CalloutIdentity? {
        try authSubject(id: id).map(CalloutIdentity.init)
    }

    public func identity(userName: String) throws -> CalloutIdentity? {
        try authSubject(userName: userName).map(CalloutIdentity.init)
    }

    public func identity(nkey: String) throws -> CalloutIdentity? {
        try authSubject(nkey: nkey).map(CalloutIdentity.init)
    }

    public func identity(accessTokenHash: [UInt8]) throws -> CalloutIdentity? {
        try authSubject(accessTokenHash: accessTokenHash).map(CalloutIdentity.init)
    }

    public func identity(userName: String, arrival: DispatchTime?) throws -> CalloutIdentity? {
        try authSubject(userName: userName, arrival: arrival).map(CalloutIdentity.init)
    }

    public func identity(nkey: String, arrival: DispatchTime?) throws -> CalloutIdentity? {
        try authSubject(nkey: nkey, arrival: arrival).map(CalloutIdentity.init)
    }

    public func identity(accessTokenHash: [UInt8], arrival: DispatchTime?) throws -> CalloutIdentity? {
        try authSubject(accessTokenHash: accessTokenHash, arrival: arrival).map(CalloutIdentity.init)
    }

    public func verifyPassword(_ password: String, hash: String) -> Bool {
        PasswordHasher.verifySync(password, hash: hash)
    }

    public var decoyPasswordHash: String? { DecoyPassword.hash }
}

/// One decoy hash per process, made on first use with the parameters the SCIM endpoint uses
/// for real passwords (`PasswordHasher.standard`); its secret is random and never kept.
private enum DecoyPassword {
    static let hash: String? = try? PasswordHasher.standard.hashSync(UUID().uuidString + UUID().uuidString)
}

extension IdentityDatabase: IdentityChangeFeed {
    public func identityChanges(after sequence: Int64, limit: Int) async throws -> [IdentityChange] {
        try await changes(after: sequence, limit: limit).map { change in
            IdentityChange(sequence: change.seq, kind: change.resourceType == .user ? .user : .group, resourceID: change.resourceId)
        }
    }
}

extension CalloutIdentity {
    /// The callout's view of a stored user.
    public init(_ subject: AuthSubject) {
        self.init(
            id: subject.id, userName: subject.userName, externalId: subject.externalId, active: subject.active,
            passwordHash: subject.passwordHash, nkeys: subject.nkeys, version: subject.version,
            groups: subject.groups.map { PolicySubject.Group(displayName: $0.displayName, externalId: $0.externalId, id: $0.id) },
            jwtLifetimeSeconds: subject.jwtLifetimeSeconds, credentialExpiresAt: subject.credentialExpiresAt
        )
    }
}

import Foundation
import Policy

/// What the callout needs to know about a SCIM user to decide a connect.
public struct CalloutIdentity: Sendable, Equatable {
    public var id: String
    public var userName: String
    public var externalId: String?
    public var active: Bool
    /// The argon2id hash (PHC string), when the user has a password.
    public var passwordHash: String?
    /// Registered public user nkeys (`U…`).
    public var nkeys: [String]
    /// Changes on every change to the user (password, active, groups, deletion): the cache key.
    public var version: Int64
    public var groups: [PolicySubject.Group]
    /// A per-user cap on the user JWT lifetime, in seconds.
    public var jwtLifetimeSeconds: Int?
    /// When the credential presented expires (an access token with an expiry): the JWT must not
    /// outlive it, since an expiry is no change the revoker could see.
    public var credentialExpiresAt: Date?

    public init(
        id: String, userName: String, externalId: String? = nil, active: Bool = true, passwordHash: String? = nil,
        nkeys: [String] = [], version: Int64 = 1, groups: [PolicySubject.Group] = [], jwtLifetimeSeconds: Int? = nil,
        credentialExpiresAt: Date? = nil
    ) {
        self.id = id
        self.userName = userName
        self.externalId = externalId
        self.active = active
        self.passwordHash = passwordHash
        self.nkeys = nkeys
        self.version = version
        self.groups = groups
        self.jwtLifetimeSeconds = jwtLifetimeSeconds
        self.credentialExpiresAt = credentialExpiresAt
    }

    /// The facts the policy looks at.
    public var policySubject: PolicySubject {
        PolicySubject(userName: userName, id: id, externalId: externalId, groups: groups)
    }
}

/// Read access to the identity store, as the callout needs it. `IdentityDatabase` conforms.
///
/// The lookups are synchronous: each is one short indexed read, done on the calling thread so a
/// decision needs no thread switch (see `IdentityDatabase+Auth.swift` for why that is bounded).
public protocol IdentityReading: Sendable {
    /// The user with this SCIM id, or nil (deleted).
    func identity(id: String) throws -> CalloutIdentity?
    /// The user with this `userName`, or nil.
    func identity(userName: String) throws -> CalloutIdentity?
    /// The user who registered this public nkey, or nil.
    func identity(nkey: String) throws -> CalloutIdentity?
    /// The user holding the (unrevoked, unexpired) access token with this SHA-256 hash, or nil:
    /// the callout hashes a presented token once and keeps only the hash (live revocation
    /// re-checks allowed sessions' tokens with it).
    func identity(accessTokenHash: [UInt8]) throws -> CalloutIdentity?
    /// True when `password` matches the stored hash (argon2id: slow by design).
    func verifyPassword(_ password: String, hash: String) -> Bool
    /// A hash made with the same parameters as real ones, of a random secret nobody knows.
    /// Checking a password against it costs what a real check costs, so a denial for an unknown,
    /// inactive or password-less user takes as long as one for a wrong password (no user
    /// enumeration by timing). Nil disables the decoy check.
    var decoyPasswordHash: String? { get }

    /// ``identity(userName:)`` for a request that arrived at `arrival` (`DispatchTime`, the
    /// monotonic clock `NIODeadline` reads): the answer must reflect every change committed
    /// before then, and may come from what the store checked since. Nil: every change committed
    /// before the call. The default just looks up.
    func identity(userName: String, arrival: DispatchTime?) throws -> CalloutIdentity?
    /// ``identity(nkey:)`` for a request that arrived at `arrival`.
    func identity(nkey: String, arrival: DispatchTime?) throws -> CalloutIdentity?
    /// ``identity(accessTokenHash:)`` for a request that arrived at `arrival`.
    func identity(accessTokenHash: [UInt8], arrival: DispatchTime?) throws -> CalloutIdentity?
}

extension IdentityReading {
    public func identity(userName: String, arrival: DispatchTime?) throws -> CalloutIdentity? {
        try identity(userName: userName)
    }

    public func identity(nkey: String, arrival: DispatchTime?) throws -> CalloutIdentity? {
        try identity(nkey: nkey)
    }

    public func identity(accessTokenHash: [UInt8], arrival: DispatchTime?) throws -> CalloutIdentity? {
        try identity(accessTokenHash: accessTokenHash)
    }
}

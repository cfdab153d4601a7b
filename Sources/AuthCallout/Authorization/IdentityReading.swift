import Foundation
import IdentityStore

/// Read access to the identity store, as the callout needs it. `IdentityDatabase` conforms.
///
/// The lookup is synchronous: one short indexed read, done on the calling thread so a decision
/// needs no thread switch (see `IdentityDatabase+Auth.swift` for why that is bounded).
public protocol IdentityReading: Sendable {
    /// The user `key` names, or nil (no such user; an access token unknown, revoked or expired).
    /// - Parameter asOf: when the request asking arrived (`DispatchTime`, the monotonic clock
    ///   `NIODeadline` reads): the answer must reflect every change committed before then, and may
    ///   come from what the store validated since. Nil: every change committed before the call.
    func identity(for key: CredentialKey, asOf: DispatchTime?) throws -> Identity?
    /// True when `password` matches the stored hash (argon2id: slow by design).
    func verifyPassword(_ password: String, hash: String) -> Bool
    /// A hash made with the same parameters as real ones, of a random secret nobody knows.
    /// Checking a password against it costs what a real check costs, so a denial for an unknown,
    /// inactive or password-less user takes as long as one for a wrong password (no user
    /// enumeration by timing). Nil disables the decoy check.
    var decoyPasswordHash: String? { get }
}

import AuthCallout
import Foundation
import NIOConcurrencyHelpers

/// The identity source for end-to-end tests: what an IdP would do over SCIM, in a few calls.
protocol CalloutDirectory: IdentityReading, IdentityChangeFeed {
    @discardableResult
    func addUser(_ userName: String, password: String?, groups: [String]) async throws -> String
    func setActive(_ userName: String, _ active: Bool) async throws
    func setPassword(_ userName: String, _ password: String) async throws
    func setGroups(_ userName: String, _ groups: [String]) async throws
    func addNKey(_ userName: String, _ publicKey: String) async throws
    /// Sets the SCIM `externalId` (what Entra provisioning sends: the object id, a token's `oid`).
    func setExternalID(_ userName: String, _ externalID: String?) async throws
    func setEmails(_ userName: String, _ emails: [String]) async throws
    func issueToken(_ userName: String) async throws -> String
    /// Revokes every access token of the user (what `scim-callout tokens revoke` does).
    func revokeTokens(_ userName: String) async throws
    func deleteUser(_ userName: String) async throws
}

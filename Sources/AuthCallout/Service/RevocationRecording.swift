import Foundation

/// Where ``SessionRevoker`` keeps a durable record of each revocation, so deprovisioning can be
/// proven later (`scim-callout audit deprovisioning`). `IdentityDatabase` conforms (identity
/// history entries of kind `sessions_cut`).
public protocol RevocationRecording: Sendable {
    /// Records that `count` live sessions of user `userID` were cut at `at` (0: none was live).
    func recordSessionsCut(userID: String, userName: String, count: Int, reason: String, at: Date) async throws
}

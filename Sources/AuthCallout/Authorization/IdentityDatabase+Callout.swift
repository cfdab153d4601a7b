import Foundation
import IdentityStore
import Policy

extension IdentityDatabase: IdentityReading {
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
            IdentityChange(sequence: change.seq, kind: change.resourceType == .user ? .user : .group, resourceID: change.resourceId,
                           origin: change.origin)
        }
    }
}

extension IdentityDatabase: RevocationRecording {
    public func recordSessionsCut(userID: String, userName: String, count: Int, reason: String, at: Date) async throws {
        try await recordSessionsCut(userId: userID, userName: userName, count: count, reason: reason, at: at,
                                    author: .local("session-revoker"))
    }
}

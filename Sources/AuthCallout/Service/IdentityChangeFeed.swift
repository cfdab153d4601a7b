/// The store's change feed. `IdentityDatabase` conforms.
public protocol IdentityChangeFeed: Sendable {
    func latestChangeSequence() async throws -> Int64
    func identityChanges(after sequence: Int64, limit: Int) async throws -> [IdentityChange]
}

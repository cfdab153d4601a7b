/// The store's change feed. `IdentityDatabase` conforms.
public protocol IdentityChangeFeed: Sendable {
    func latestChangeSequence() async throws -> Int64
    func identityChanges(after sequence: Int64, limit: Int) async throws -> [IdentityChange]
    /// An element after each commit that recorded a change, so that the revoker can look at
    /// once instead of at its next poll.
    func changeCommits() async throws -> AsyncStream<Void>
}

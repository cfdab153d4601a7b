import GRDB

/// A resource whose every write gives it a new version (`ETag`, `If-Match`).
protocol VersionedResource: Sendable {
    var version: Int64 { get }
}

extension StoredUser: VersionedResource {}
extension StoredGroup: VersionedResource {}

extension IdentityDatabase {
    /// How many times an update is re-run when the resource changed between its read and its write.
    static let maxUpdateAttempts = 5

    /// The update users and groups share: read the resource, check `ifMatch`, let `prepare`
    /// compute the write outside the transaction (it runs the caller's transform), and retry when
    /// the write finds the resource at another version than the one read.
    /// - Parameters:
    ///   - read: the resource's current state, or nil when there is none.
    ///   - prepare: the write for the state read; that write returns nil when the resource changed.
    /// - Throws: `.notFound`, `.preconditionFailed`, `.conflict` after ``maxUpdateAttempts``
    ///   tries, the mapped constraint failure of the write, or what `prepare` throws.
    func optimisticUpdate<Resource: VersionedResource>(
        _ kind: ResourceKind,
        id: String,
        ifMatch: Int64?,
        read: () async throws -> Resource?,
        prepare: (Resource) async throws -> @Sendable (Database, _ at: Double) throws -> Resource?
    ) async throws -> Resource {
        for _ in 0..<Self.maxUpdateAttempts {
            let current = try Self.writable(try await read(), kind, id: id, ifMatch: ifMatch)
            let write = try await prepare(current)
            let now = timestamp
            if let written = try await constrainedWrite({ db in try write(db, now) }) { return written }
            logger.debug("\(kind.rawValue.lowercased()) changed during update; retrying",
                         metadata: ["scim.id": .string(id)])
        }
        throw IdentityStoreError(.conflict, "\(kind.rawValue) \(id) kept changing; try again")
    }
}

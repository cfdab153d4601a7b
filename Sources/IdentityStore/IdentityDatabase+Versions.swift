import GRDB

extension UserRecord: VersionedResource {}
extension GroupRecord: VersionedResource {}

extension IdentityDatabase {
    /// `resource` when a write to it may go ahead: one check, and one wording, for every user
    /// and group write (SCIM, its replicated apply, deletes).
    /// - Throws: `.notFound` when there is no resource, `.preconditionFailed` when `ifMatch`
    ///   names another version than its own.
    static func writable<Resource: VersionedResource>(
        _ resource: Resource?, _ kind: ResourceKind, id: String, ifMatch: Int64?
    ) throws -> Resource {
        guard let resource else { throw IdentityStoreError(.notFound, "\(kind.rawValue) \(id) not found") }
        if let ifMatch, ifMatch != resource.version {
            throw IdentityStoreError(.preconditionFailed, "\(kind.rawValue) \(id) is at another version")
        }
        return resource
    }

    /// Records a change to resource `id` and returns the version the resource takes: the one a
    /// replicated command assigns (its stream sequence), else the change's own sequence number.
    static func nextVersion(
        _ db: Database, at now: Double, type: ResourceKind, id: String, operation: ChangeOperation,
        assigned: Int64?
    ) throws -> Int64 {
        let seq = try recordChange(db, at: now, type: type, id: id, operation: operation)
        return assigned ?? seq
    }
}

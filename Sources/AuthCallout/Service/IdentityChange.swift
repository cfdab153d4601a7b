/// One entry of the store's change feed, as the revoker needs it.
public struct IdentityChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case user, group }
    public var sequence: Int64
    public var kind: Kind
    public var resourceID: String
    /// With replication, the replica that accepted the write (nil: a local, unreplicated change).
    public var origin: String?

    public init(sequence: Int64, kind: Kind, resourceID: String, origin: String? = nil) {
        self.sequence = sequence
        self.kind = kind
        self.resourceID = resourceID
        self.origin = origin
    }
}

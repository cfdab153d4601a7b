/// Whether a ``ReplicatedIdentityStore`` applies the stream.
public enum ReplicationHealth: Sendable, Equatable {
    /// Not yet reading the stream.
    case starting
    /// Reading and applying; writes are accepted.
    case applying
    /// The stream cannot be read right now (connection, leader election); the loop retries.
    /// Writes answer 503 until it reads again.
    case interrupted(reason: String)
    /// Applying stopped for good (a command this build cannot apply, or a store error): the
    /// replica must not serve from this state. Writes answer 503; readiness is false.
    case stopped(reason: String)

    /// True while writes are accepted and the local state follows the stream.
    public var isApplying: Bool { self == .applying }
}

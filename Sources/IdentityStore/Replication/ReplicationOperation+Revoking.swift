extension ReplicationOperation {
    /// Whether the write may take access away, so its 2xx waits on the revocation barrier.
    ///
    /// Every update and delete counts: a PUT or PATCH may deactivate, change a password, nkey or
    /// token, or drop a membership, and telling those apart would need the state it replaces;
    /// the wait is a few milliseconds while every replica is live. Creates only grant.
    public var isRevoking: Bool {
        switch self {
        case .createUser, .createGroup, .probe: false
        case .updateUser, .deleteUser, .updateGroup, .deleteGroup: true
        }
    }
}

/// Why the apply loop stopped for good.
struct ReplicationFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { "replication stopped: \(reason)" }
}

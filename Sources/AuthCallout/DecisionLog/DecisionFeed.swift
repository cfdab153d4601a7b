import IdentityStore

/// Where decision records go besides the table: a NATS subject other hosts read (issue 15's
/// decisions from every replica).
///
/// The decision log hands it each batch it takes for the table, off the decision path. A feed
/// handles its own failures (it counts what it could not send): a feed that cannot keep up
/// never costs a record its table row.
public protocol DecisionFeed: Sendable {
    /// Sends a batch of records, oldest first.
    func publish(_ records: [DecisionRecord]) async
}

/// Where decision records are kept besides the log (the `decisions` table).
///
/// The callout's decision log sees the table only through this: it batches records and hands
/// them over off the decision path.
public protocol DecisionSink: Sendable {
    /// Stores a batch of records.
    func append(_ records: [DecisionRecord]) async throws
}

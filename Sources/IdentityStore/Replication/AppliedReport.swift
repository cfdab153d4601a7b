import Foundation

/// What a replica publishes on `<prefix>.applied.<replicaID>` after it applies and every second:
/// `{"replica": …, "sequence": …, "at": …}` (`at`: seconds since 1970, the sender's wall clock,
/// for people reading it; the writer times reports by its own clock when they arrive).
public struct AppliedReport: Codable, Sendable, Equatable {
    /// The reporting replica's id (`replication.replica_id`).
    public var replica: String
    /// The last stream sequence it applied.
    public var sequence: UInt64
    /// When it sent the report.
    public var at: Double

    public init(replica: String, sequence: UInt64, at: Date) {
        self.replica = replica
        self.sequence = sequence
        self.at = at.timeIntervalSince1970
    }

    /// The subject replica `replicaID` reports on.
    public static func subject(prefix: String, replicaID: String) -> String { "\(prefix).applied.\(replicaID)" }

    /// The JSON payload.
    public func encoded() throws -> [UInt8] { Array(try JSONEncoder().encode(self)) }

    /// Reads a payload; throws `DecodingError` on anything else.
    public static func decode(_ bytes: [UInt8]) throws -> AppliedReport {
        try JSONDecoder().decode(AppliedReport.self, from: Data(bytes))
    }
}

/// What `STREAM.PURGE` removes. The empty request purges everything.
///
/// `upToSequence` N removes every message **below** N (N at or below `first_seq` removes
/// nothing; N above `last_seq + 1` moves the stream's next sequence forward to N). To trim below
/// a snapshot taken at sequence S, pass S (keeps S) or S + 1.
public struct PurgeRequest: Encodable, Hashable, Sendable {
    /// Only messages on this subject (wildcards allowed).
    public var filter: String?
    /// Remove messages with a sequence below this one (`seq`).
    public var upToSequence: UInt64?
    /// Keep this many of the newest messages (`keep`).
    public var keep: UInt64?

    public init(filter: String? = nil, upToSequence: UInt64? = nil, keep: UInt64? = nil) {
        self.filter = filter
        self.upToSequence = upToSequence
        self.keep = keep
    }

    enum CodingKeys: String, CodingKey {
        case filter, keep
        case upToSequence = "seq"
    }

    /// The server refuses `seq` together with `keep` (10003); refuse it before sending.
    func validate() throws(JetStreamError) {
        if upToSequence != nil, keep != nil {
            throw JetStreamError(.invalidArgument, "purge takes a sequence or a keep count, not both")
        }
    }

    var isEmpty: Bool { filter == nil && upToSequence == nil && keep == nil }
}

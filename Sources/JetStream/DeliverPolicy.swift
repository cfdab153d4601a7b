/// Where a new consumer starts (`deliver_policy`, with `opt_start_seq`).
public enum DeliverPolicy: Hashable, Sendable {
    /// From the first stored message.
    case all
    /// From the last message of the stream.
    case last
    /// Only messages stored after the consumer is created.
    case new
    /// From this stream sequence. Below the stream's `first_seq` the server quietly starts at
    /// `first_seq`: check the first delivered sequence when a gap matters.
    case byStartSequence(UInt64)
    /// The last message of each subject.
    case lastPerSubject

    var wireName: String {
        switch self {
        case .all: "all"
        case .last: "last"
        case .new: "new"
        case .byStartSequence: "by_start_sequence"
        case .lastPerSubject: "last_per_subject"
        }
    }

    init(wireName: String, startSequence: UInt64?) throws(JetStreamError) {
        switch wireName {
        case "all", "": self = .all
        case "last": self = .last
        case "new": self = .new
        case "last_per_subject": self = .lastPerSubject
        case "by_start_sequence": self = .byStartSequence(startSequence ?? 0)
        default: throw JetStreamError(.invalidResponse, "unsupported deliver_policy \(wireName)")
        }
    }
}

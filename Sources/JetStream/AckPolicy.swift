/// Which messages a consumer expects acknowledged (`ack_policy`).
public enum AckPolicy: String, Codable, Hashable, Sendable {
    /// No acks: delivered once (ordered consumers).
    case none
    /// Each message on its own.
    case explicit
    /// An ack covers every message before it.
    case all
}

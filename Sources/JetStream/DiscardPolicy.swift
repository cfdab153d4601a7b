/// What a stream does when a limit is reached (`discard`).
public enum DiscardPolicy: String, Codable, Hashable, Sendable {
    /// Remove the oldest messages to make room.
    case old
    /// Refuse new messages.
    case new
}

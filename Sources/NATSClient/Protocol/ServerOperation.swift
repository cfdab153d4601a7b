/// One operation received from the server.
public enum ServerOperation: Hashable, Sendable {
    case info(ServerInfo)
    /// `MSG` or `HMSG` (headers present).
    case message(MessageFrame)
    case ping
    case pong
    case ok
    case error(ServerErrorMessage)
}

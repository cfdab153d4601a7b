import NIOCore

/// How the handler reports to its connection. Called on the channel's event loop.
struct NATSChannelCallbacks: Sendable {
    /// Builds the `CONNECT` body for the server's `INFO` (signs the nonce when needed).
    var makeConnectOptions: @Sendable (ServerInfo) throws -> ConnectOptions
    /// A message, and when the bytes carrying it were read.
    var deliver: @Sendable (MessageFrame, NIODeadline) -> Void
    var infoUpdated: @Sendable (ServerInfo) -> Void
    var serverError: @Sendable (ServerErrorMessage) -> Void
    /// The channel closed; the error is nil when the connection asked for it.
    var closed: @Sendable (NATSClientError?) -> Void
}

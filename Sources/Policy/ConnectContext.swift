import Foundation

/// Facts about the connect that bindings' conditions are checked against.
public struct ConnectContext: Sendable, Equatable {
    /// `client_info.host` (the client's address as the server saw it).
    public var host: String?
    /// `client_info.kind` (`Client`, `Leafnode`, …).
    public var kind: String?
    /// `client_info.type` (`nats`, `websocket`, `mqtt`).
    public var type: String?
    public var now: Date

    public init(host: String?, kind: String? = "Client", type: String? = "nats", now: Date) {
        self.host = host
        self.kind = kind
        self.type = type
        self.now = now
    }
}

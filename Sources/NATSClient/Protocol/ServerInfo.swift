/// The `INFO` the server sends on connect (and again when the cluster or its state changes).
public struct ServerInfo: Codable, Hashable, Sendable {
    public var serverID: String
    public var serverName: String?
    public var version: String?
    public var proto: Int?
    public var host: String?
    public var port: Int?
    /// Whether the server understands `HPUB`/`HMSG`.
    public var headers: Bool?
    /// The largest payload the server accepts (headers included).
    public var maxPayload: Int?
    public var authRequired: Bool?
    public var tlsRequired: Bool?
    public var tlsAvailable: Bool?
    /// Other servers in the cluster the client may reconnect to (`host:port`).
    public var connectURLs: [String]?
    /// Set when the server is in lame-duck mode and about to shut down.
    public var lameDuckMode: Bool?
    /// The challenge to sign for nkey / JWT authentication.
    public var nonce: String?
    public var clientID: UInt64?
    public var clientIP: String?
    public var cluster: String?
    public var xkey: String?

    public init(serverID: String, maxPayload: Int? = nil, headers: Bool? = nil) {
        self.serverID = serverID
        self.maxPayload = maxPayload
        self.headers = headers
    }

    enum CodingKeys: String, CodingKey {
        case serverID = "server_id"
        case serverName = "server_name"
        case version, proto, host, port, headers
        case maxPayload = "max_payload"
        case authRequired = "auth_required"
        case tlsRequired = "tls_required"
        case tlsAvailable = "tls_available"
        case connectURLs = "connect_urls"
        case lameDuckMode = "ldm"
        case nonce
        case clientID = "client_id"
        case clientIP = "client_ip"
        case cluster, xkey
    }
}

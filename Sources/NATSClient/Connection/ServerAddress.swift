import Foundation

/// One server to dial, parsed from `nats://[user:pass@]host[:port]`, `tls://…` or `host:port`.
struct ServerAddress: Hashable, Sendable, CustomStringConvertible {
    var host: String
    var port: Int
    /// `tls://` asks for TLS even when the configuration does not.
    var wantsTLS: Bool
    var user: String?
    var password: String?

    init(parsing text: String) throws {
        let withScheme = text.contains("://") ? text : "nats://\(text)"
        guard let components = URLComponents(string: withScheme),
              let scheme = components.scheme?.lowercased(), ["nats", "tls"].contains(scheme),
              var host = components.host, !host.isEmpty
        else {
            throw NATSClientError(.invalidConfiguration, "not a NATS server URL (nats://host:port or tls://host:port)")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = components.port ?? 4222
        guard (1...65_535).contains(port) else {
            throw NATSClientError(.invalidConfiguration, "server port \(port) is out of range")
        }
        self.host = host
        self.port = port
        self.wantsTLS = scheme == "tls"
        self.user = components.user?.removingPercentEncoding ?? components.user
        self.password = components.password?.removingPercentEncoding ?? components.password
    }

    /// Host and port only: credentials are never printed.
    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Addresses are the same server when host and port match, whatever the credentials.
    func sameServer(as other: ServerAddress) -> Bool { host == other.host && port == other.port }
}

/// The JSON body of the client's `CONNECT`.
///
/// `description` redacts every credential so the options can be logged.
public struct ConnectOptions: Encodable, Hashable, Sendable, CustomStringConvertible {
    public var verbose = false
    public var pedantic = false
    public var tlsRequired = false
    public var name: String?
    public var lang = "swift"
    public var version = NATSClientVersion.current
    public var `protocol` = 1
    public var echo = true
    /// Must be true for the server to send headers (auth callout needs `Nats-Server-Xkey`).
    public var headers = false
    /// Asks for a 503 status message instead of silence when a request has no responders.
    public var noResponders = false
    public var user: String?
    public var password: String?
    public var authToken: String?
    public var jwt: String?
    public var nkey: String?
    /// The nonce signature, base64url without padding.
    public var signature: String?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case verbose, pedantic
        case tlsRequired = "tls_required"
        case name, lang, version
        case `protocol`, echo, headers
        case noResponders = "no_responders"
        case user
        case password = "pass"
        case authToken = "auth_token"
        case jwt, nkey
        case signature = "sig"
    }

    public var description: String {
        let user = self.user.map { "\"\($0)\"" } ?? "nil"
        let secrets = [password == nil ? nil : "pass", authToken == nil ? nil : "auth_token",
                       jwt == nil ? nil : "jwt", signature == nil ? nil : "sig"].compactMap { $0 }
        return "ConnectOptions(name: \(name ?? "nil"), user: \(user), nkey: \(nkey ?? "nil"), headers: \(headers), "
            + "no_responders: \(noResponders), echo: \(echo), redacted: [\(secrets.joined(separator: ", "))])"
    }
}

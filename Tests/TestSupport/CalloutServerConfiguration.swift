/// The nats-server configuration body the callout tests run against: config-file accounts
/// AUTH (the callout service), APP (a static user), OPS and SYS, and `auth_callout` with the
/// given public keys.
///
/// One place writes it, so a single server (`NATSServerProcess`) and a cluster (`NATSCluster`)
/// run the same authorization.
public struct CalloutServerConfiguration: Sendable {
    /// The system-account user (bypasses the callout) used for CONNZ/KICK and as a static-user baseline.
    public static let systemUser = (name: "sys", password: "sys-password")
    /// A static user in APP that bypasses the callout (the benchmark's baseline).
    public static let staticUser = (name: "static", password: "static-password")

    /// The account key that signs authorization responses (`auth_callout.issuer`).
    public var issuerPublicKey: String
    /// The nkey of the callout service's user in AUTH.
    public var serviceUserPublicKey: String
    /// The curve key requests are sealed to, when encryption is on.
    public var xkeyPublicKey: String?
    /// Enables JetStream for AUTH and APP (the server or cluster must run JetStream).
    public var jetStream: Bool
    /// `authorization.timeout` in whole seconds: how long the server waits for the callout's
    /// answer (nil: the server's default, 2 s).
    public var authTimeoutSeconds: Int?

    public init(issuerPublicKey: String, serviceUserPublicKey: String, xkeyPublicKey: String? = nil,
                jetStream: Bool = false, authTimeoutSeconds: Int? = nil) {
        self.issuerPublicKey = issuerPublicKey
        self.serviceUserPublicKey = serviceUserPublicKey
        self.xkeyPublicKey = xkeyPublicKey
        self.jetStream = jetStream
        self.authTimeoutSeconds = authTimeoutSeconds
    }

    /// The configuration text, without `listen`, `port` or `jetstream {}` (the process helpers add those).
    public var body: String {
        let js = jetStream ? "jetstream: enabled, " : ""
        return """
            accounts {
              AUTH { \(js)users: [ { nkey: \(serviceUserPublicKey) } ] }
              APP { \(js)users: [ { user: \(Self.staticUser.name), password: \(Self.staticUser.password) } ] }
              OPS {}
              SYS { users: [ { user: \(Self.systemUser.name), password: \(Self.systemUser.password) } ] }
            }
            system_account: SYS
            authorization {
              \(authTimeoutSeconds.map { "timeout: \($0)" } ?? "")
              auth_callout {
                issuer: \(issuerPublicKey)
                auth_users: [ \(serviceUserPublicKey), \(Self.systemUser.name), \(Self.staticUser.name) ]
                account: AUTH
                \(xkeyPublicKey.map { "xkey: \($0)" } ?? "")
              }
            }
            """
    }
}

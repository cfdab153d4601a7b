import NIOCore
import NIOSSL

/// Everything a ``NATSConnection`` needs to know; validated when connecting.
public struct NATSConfiguration: Sendable {
    /// Signs the server's nonce with the user's nkey; returns the raw 64-byte ed25519 signature.
    public typealias NonceSigner = @Sendable (_ nonce: [UInt8]) throws -> [UInt8]

    /// How the client proves who it is.
    public enum Authentication: Sendable, CustomStringConvertible {
        case none
        case userPassword(user: String, password: String)
        case token(String)
        /// An nkey user: the public key ("U…") and a closure that signs the nonce with its seed.
        case nkey(publicKey: String, signNonce: NonceSigner)
        /// A JWT user (operator mode): the user JWT and a closure that signs the nonce.
        case credentials(jwt: String, signNonce: NonceSigner)

        /// Secrets are never printed.
        public var description: String {
            switch self {
            case .none: "none"
            case .userPassword(let user, _): "userPassword(user: \(user), password: <redacted>)"
            case .token: "token(<redacted>)"
            case .nkey(let publicKey, _): "nkey(\(publicKey))"
            case .credentials: "credentials(jwt: <redacted>)"
            }
        }
    }

    /// Whether and how to use TLS.
    public enum TLS: Sendable {
        case disable
        /// Upgrade to TLS after the server's plaintext `INFO` (the server must offer TLS).
        case require(TLSConfiguration)
        /// Start TLS before any NATS byte, for servers with `tls { handshake_first: true }`.
        case handshakeFirst(TLSConfiguration)
    }

    /// How to come back after losing the connection.
    public struct Reconnect: Sendable {
        /// Whether to reconnect at all.
        public var isEnabled: Bool
        /// How many times each server is tried in a row before being given up; nil tries forever.
        public var maxAttemptsPerServer: Int?
        /// The wait after the first round over all servers; it doubles per round up to `maxWait`.
        public var baseWait: Duration
        public var maxWait: Duration
        /// Up to this much random time is added to every wait so clients don't reconnect in step.
        public var jitter: Duration
        /// Publishes made while reconnecting are kept up to this many bytes, then rejected.
        public var bufferSize: Int
        /// Whether `connect` keeps retrying (with the same waits and attempt limits) when no
        /// server is reachable yet, instead of failing after one pass over the servers.
        public var retryOnFailedConnect: Bool

        public init(
            isEnabled: Bool = true, maxAttemptsPerServer: Int? = 60, baseWait: Duration = .seconds(2),
            maxWait: Duration = .seconds(30), jitter: Duration = .milliseconds(100), bufferSize: Int = 8 * 1024 * 1024,
            retryOnFailedConnect: Bool = false
        ) {
            self.isEnabled = isEnabled
            self.maxAttemptsPerServer = maxAttemptsPerServer
            self.baseWait = baseWait
            self.maxWait = maxWait
            self.jitter = jitter
            self.bufferSize = bufferSize
            self.retryOnFailedConnect = retryOnFailedConnect
        }

        public static let disabled = Reconnect(isEnabled: false)
    }

    /// Per-subscription bounds on messages received but not yet consumed. When either is
    /// reached, new messages are dropped and a ``NATSConnectionEvent/slowConsumer(subject:sid:dropped:)``
    /// event is emitted, so memory never grows without bound.
    public struct PendingLimits: Sendable, Hashable {
        public var messages: Int
        public var bytes: Int

        public init(messages: Int = 65_536, bytes: Int = 64 * 1024 * 1024) {
            self.messages = messages
            self.bytes = bytes
        }
    }

    /// Servers to connect to: `nats://host:port`, `tls://host:port` (implies TLS), `host:port`.
    /// Credentials in a URL (`nats://user:pass@host`) are used when `authentication` is `.none`.
    public var servers: [String]
    /// The connection name shown in the server's monitoring.
    public var name: String?
    public var authentication: Authentication
    public var tls: TLS
    /// Whether the server sends our own publishes back to our matching subscriptions.
    public var echo: Bool
    public var pingInterval: Duration
    /// Unanswered keep-alive PINGs after which the connection counts as stale and is dropped.
    public var maxPingsOutstanding: Int
    /// Time for TCP connect, TLS and the CONNECT/PONG handshake together.
    public var connectTimeout: Duration
    public var reconnect: Reconnect
    public var pendingLimits: PendingLimits
    /// The prefix of the shared request/reply inbox (`<prefix>.<random>.*`).
    public var inboxPrefix: String

    public init(
        servers: [String] = ["nats://127.0.0.1:4222"],
        name: String? = nil,
        authentication: Authentication = .none,
        tls: TLS = .disable,
        echo: Bool = true,
        pingInterval: Duration = .seconds(120),
        maxPingsOutstanding: Int = 2,
        connectTimeout: Duration = .seconds(5),
        reconnect: Reconnect = Reconnect(),
        pendingLimits: PendingLimits = PendingLimits(),
        inboxPrefix: String = "_INBOX"
    ) {
        self.servers = servers
        self.name = name
        self.authentication = authentication
        self.tls = tls
        self.echo = echo
        self.pingInterval = pingInterval
        self.maxPingsOutstanding = maxPingsOutstanding
        self.connectTimeout = connectTimeout
        self.reconnect = reconnect
        self.pendingLimits = pendingLimits
        self.inboxPrefix = inboxPrefix
    }

    /// Checks the settings that would otherwise fail late or spin.
    func validate() throws {
        guard !servers.isEmpty else { throw NATSClientError(.invalidConfiguration, "no servers configured") }
        guard pingInterval > .zero, connectTimeout > .zero else {
            throw NATSClientError(.invalidConfiguration, "pingInterval and connectTimeout must be positive")
        }
        guard pendingLimits.messages > 0, pendingLimits.bytes > 0 else {
            throw NATSClientError(.invalidConfiguration, "pending limits must be positive")
        }
        guard reconnect.baseWait >= .zero, reconnect.maxWait >= reconnect.baseWait, reconnect.jitter >= .zero else {
            throw NATSClientError(.invalidConfiguration, "reconnect waits must be non-negative with maxWait >= baseWait")
        }
        try ClientOperationEncoder.validate(subject: inboxPrefix, what: "inbox prefix")
        for server in servers { _ = try ServerAddress(parsing: server) }
    }
}

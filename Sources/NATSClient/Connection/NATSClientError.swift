/// An error raised by the NATS client (as opposed to a malformed frame, ``NATSProtocolError``).
///
/// `description` never contains credentials or payload bytes.
public struct NATSClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case invalidSubject, invalidHeader, invalidConfiguration, invalidCredentials
            case maxPayloadExceeded, headersNotSupported
            case connectionFailed, connectTimeout, tlsRequired, authenticationFailed, serverError
            case connectionClosed, staleConnection, reconnectBufferFull, noServersAvailable
            case requestTimeout, noResponders, draining, subscriptionClosed
        }

        fileprivate let base: Base

        public static let invalidSubject = Code(base: .invalidSubject)
        public static let invalidHeader = Code(base: .invalidHeader)
        /// The configuration cannot work (no servers, bad URL, contradictory TLS settings).
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// A credentials file or signature could not be used.
        public static let invalidCredentials = Code(base: .invalidCredentials)
        /// The message is larger than the server's `max_payload`; nothing was sent.
        public static let maxPayloadExceeded = Code(base: .maxPayloadExceeded)
        /// Headers were given but the server does not support them.
        public static let headersNotSupported = Code(base: .headersNotSupported)
        /// The TCP/TLS connection could not be established.
        public static let connectionFailed = Code(base: .connectionFailed)
        public static let connectTimeout = Code(base: .connectTimeout)
        /// The server requires TLS but the configuration disables it (or the reverse).
        public static let tlsRequired = Code(base: .tlsRequired)
        /// The server rejected our credentials (`Authorization Violation` and friends).
        public static let authenticationFailed = Code(base: .authenticationFailed)
        /// The server sent `-ERR`.
        public static let serverError = Code(base: .serverError)
        /// The connection is closed (by `close()`, `drain()`, or after giving up reconnecting).
        public static let connectionClosed = Code(base: .connectionClosed)
        /// The server stopped answering PINGs.
        public static let staleConnection = Code(base: .staleConnection)
        /// Publishes made while reconnecting exceeded the reconnect buffer.
        public static let reconnectBufferFull = Code(base: .reconnectBufferFull)
        /// Every server was tried the configured number of times.
        public static let noServersAvailable = Code(base: .noServersAvailable)
        public static let requestTimeout = Code(base: .requestTimeout)
        /// The server answered a request with status 503: nobody subscribes to the subject.
        public static let noResponders = Code(base: .noResponders)
        /// The connection is draining and accepts no new subscriptions or requests.
        public static let draining = Code(base: .draining)
        /// The subscription was already unsubscribed.
        public static let subscriptionClosed = Code(base: .subscriptionClosed)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// A short explanation, safe to log.
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "NATS client error (\(code)): \(reason)" }
}

import NATSClient
import NIOCore

/// JetStream over one ``NATSConnection``: the `$JS.API` calls, acked publishes, consumers and
/// the Object Store.
///
/// ```swift
/// let js = JetStreamContext(connection: nats)
/// _ = try await js.createStream(StreamConfig(name: "ORDERS", subjects: ["orders.>"]))
/// let ack = try await js.publish(ByteBuffer(string: "{}"), to: "orders.1",
///                                options: PublishOptions(expectedLastSubjectSequence: 0))
/// ```
///
/// A value type: copies share the connection.
public struct JetStreamContext: Sendable {
    /// The connection every call goes through.
    public let connection: NATSConnection
    /// `$JS.API.`, or `$JS.<domain>.API.` for a JetStream domain (always ends with a dot).
    public let apiPrefix: String
    /// How long an API call or a publish waits for its reply.
    public var timeout: Duration

    /// - Parameters:
    ///   - connection: a connected client (headers and no-responders are on by default).
    ///   - domain: the JetStream domain to address (leaf nodes, hubs); nil for the local one.
    ///   - timeout: the wait for each API reply and PubAck.
    public init(connection: NATSConnection, domain: String? = nil, timeout: Duration = .seconds(5)) {
        self.connection = connection
        self.apiPrefix = Self.apiPrefix(domain: domain)
        self.timeout = timeout
    }

    /// - Parameter apiPrefix: a custom API prefix (an account import, say); a missing final dot is added.
    public init(connection: NATSConnection, apiPrefix: String, timeout: Duration = .seconds(5)) {
        self.connection = connection
        self.apiPrefix = apiPrefix.hasSuffix(".") ? apiPrefix : apiPrefix + "."
        self.timeout = timeout
    }

    /// `$JS.API.` or `$JS.<domain>.API.`; an empty domain is the local one.
    public static func apiPrefix(domain: String?) -> String {
        guard let domain, !domain.isEmpty else { return "$JS.API." }
        return "$JS.\(domain).API."
    }

    /// The full subject of an API call: `apiPrefix` + `api` (e.g. `STREAM.INFO.ORDERS`).
    public func apiSubject(_ api: String) -> String { apiPrefix + api }

    /// Sends one API request and decodes its reply (or its error).
    func call<Response: Decodable>(
        _ api: String, body: [UInt8] = [], as type: Response.Type
    ) async throws(JetStreamError) -> Response {
        let subject = apiSubject(api)
        let reply: NATSMessage
        do {
            reply = try await connection.request(ByteBuffer(bytes: body), to: subject, timeout: timeout)
        } catch let error as NATSClientError where error.code == .noResponders {
            throw JetStreamError(.notEnabled, "\(api): no responders (JetStream not enabled for this account?)")
        } catch let error as NATSClientError where error.code == .requestTimeout {
            throw JetStreamError(.timeout, "\(api): no reply within \(timeout)")
        } catch {
            throw JetStreamError(.apiError, "\(api): \(error)")
        }
        return try JetStreamCoding.decode(type, from: reply.payload.readableBytesView, context: api)
    }

    /// Like ``call(_:body:as:)`` with an encodable request body.
    func call<Response: Decodable>(
        _ api: String, request: some Encodable, as type: Response.Type
    ) async throws(JetStreamError) -> Response {
        try await call(api, body: try JetStreamCoding.encode(request), as: type)
    }

    /// Account usage and limits (`$JS.API.INFO`); also a cheap "is JetStream on?" probe.
    public func accountInfo() async throws(JetStreamError) -> AccountInfo {
        try await call("INFO", as: AccountInfo.self)
    }
}

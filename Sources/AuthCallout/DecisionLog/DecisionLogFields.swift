import IdentityStore

/// A decision record as the fields of its log line (`decision.*`, `user.*`, `client.*`,
/// `server.*`, `jwt.*`; absent values left out), in key order.
public struct DecisionLogFields: LogFieldsConvertible {
    public let record: DecisionRecord

    public init(_ record: DecisionRecord) {
        self.record = record
    }

    public func forEachLogField(_ body: (_ key: String, _ value: LogFieldValue) -> Void) {
        func put(_ key: String, _ value: String?) { if let value { body(key, .string(value)) } }
        // Written in ascending key order (a test checks it): handlers merge without sorting.
        put("client.host", record.clientHost)
        put("client.id", record.clientID.map { String($0) })
        put("client.lang", record.clientLang)
        put("client.name", record.clientName)
        put("client.version", record.clientVersion)
        put("decision.account", record.account)
        put("decision.auth_method", record.authMethod.rawValue)
        put("decision.detail", record.detail)
        if !record.grantedBy.isEmpty { body("decision.granted_by", .strings(record.grantedBy)) }
        put("decision.id", record.id)
        put("decision.latency_us", String(record.latencyMicroseconds))
        put("decision.queue_us", record.queueMicroseconds.map { String($0) })
        put("decision.reason", record.reason.rawValue)
        put("decision.result", record.result.rawValue)
        put("decision.sessions_cut", record.sessionsCut.map { String($0) })
        put("jwt.expires", record.jwtExpires.map(InternetDateTime.string))
        put("jwt.id", record.jwtID)
        put("server.id", record.serverID)
        put("server.name", record.serverName)
        put("token.issuer", record.tokenIssuer)
        put("token.kid", record.tokenKeyID)
        put("token.subject", record.tokenSubject)
        put("user.id", record.userID)
        put("user.name", record.userName)
    }

    public var description: String { jsonDescription }
}

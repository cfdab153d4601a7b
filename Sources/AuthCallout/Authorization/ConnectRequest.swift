import Foundation
import IdentityStore
import NATSJWT
import Policy

/// The parts of an authorization request the decision needs (credentials and client facts).
///
/// `description` and the mirror (`dump`, debuggers, test failure output) are redacted: password,
/// token and signature never appear in them.
public struct ConnectRequest: Sendable, CustomStringConvertible, CustomReflectable {
    public var user: String?
    public var password: String?
    public var token: String?
    public var nkey: String?
    /// `connect_opts.sig`: the client's signature over the nonce (base64url, or base64).
    public var signature: String?
    /// `client_info.nonce`: what the signature covers.
    public var nonce: String?
    public var host: String?
    public var clientID: UInt64?
    public var kind: String?
    public var type: String?
    public var name: String?
    public var lang: String?
    public var version: String?
    public var now: Date
    /// When the request arrived (the socket read that brought it, on `DispatchTime`'s monotonic
    /// clock): the decision reflects every store change committed before it. Nil: before the lookup.
    public var arrival: DispatchTime?

    public init(
        user: String? = nil, password: String? = nil, token: String? = nil, nkey: String? = nil, signature: String? = nil,
        nonce: String? = nil, host: String? = nil, clientID: UInt64? = nil, kind: String? = "Client", type: String? = "nats",
        name: String? = nil, lang: String? = nil, version: String? = nil, now: Date, arrival: DispatchTime? = nil
    ) {
        self.user = user
        self.password = password
        self.token = token
        self.nkey = nkey
        self.signature = signature
        self.nonce = nonce
        self.host = host
        self.clientID = clientID
        self.kind = kind
        self.type = type
        self.name = name
        self.lang = lang
        self.version = version
        self.now = now
        self.arrival = arrival
    }

    /// The method the credentials select: a signed nonce first, then user + password, then token.
    public var authMethod: DecisionRecord.AuthMethod {
        if nkey.isPresent && signature.isPresent { return .nkey }
        if user.isPresent && password.isPresent { return .password }
        if token.isPresent { return .token }
        return .none
    }

    public var connectContext: ConnectContext {
        ConnectContext(host: host, kind: kind, type: type, now: now)
    }

    public var description: String {
        "ConnectRequest(user: \(user ?? "-"), method: \(authMethod.rawValue), host: \(host ?? "-"), client: \(clientID.map(String.init) ?? "-"))"
    }

    /// Secrets show only whether they were given.
    public var customMirror: Mirror {
        func given(_ secret: String?) -> String { secret.isPresent ? "<redacted>" : "-" }
        return Mirror(self, children: [
            "user": user as Any, "password": given(password), "token": given(token), "nkey": nkey as Any,
            "signature": given(signature), "nonce": nonce as Any, "host": host as Any, "clientID": clientID as Any,
            "kind": kind as Any, "type": type as Any, "name": name as Any, "lang": lang as Any,
            "version": version as Any, "now": now,
        ], displayStyle: .struct)
    }
}

extension ConnectRequest {
    /// The connect an authorization request carries, decided `now` for a request read at `arrival`.
    init(claims: NATSAuthorizationRequest, now: Date, arrival: DispatchTime?) {
        let options = claims.connectOptions
        self.init(user: options.username, password: options.password, token: options.authToken, nkey: options.nkey,
                  signature: options.signedNonce, nonce: claims.clientInfo.nonce, host: claims.clientInfo.host,
                  clientID: claims.clientInfo.id, kind: claims.clientInfo.kind, type: claims.clientInfo.type,
                  name: claims.clientInfo.name ?? options.name, lang: options.lang, version: options.version, now: now,
                  arrival: arrival)
    }
}

extension Optional<String> {
    var isPresent: Bool { self.map { !$0.isEmpty } ?? false }
}

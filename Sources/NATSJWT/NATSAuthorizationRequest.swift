import JSON
import NKeys

/// The `nats` section of an auth callout request (nats-io/jwt `AuthorizationRequest`),
/// signed by the server (`iss` = `N…`).
///
/// `connect_opts` holds the client's password and token in clear; the descriptions of these
/// types redact them.
public struct NATSAuthorizationRequest: NATSClaimsPayload {
    public static let claimType = "authorization_request"
    /// Requests are signed by the server's key.
    public static let allowedIssuerTypes: Set<NKeyType> = [.server]

    /// The server asking.
    public var serverID: ServerID
    /// A fresh user key per connect; the response's user JWT must have it as `sub`.
    public var userNKey: String
    /// What the server knows about the client.
    public var clientInfo: ClientInformation
    /// The client's CONNECT options (credentials included).
    public var connectOptions: ConnectOptions
    /// TLS details when the client connected with TLS.
    public var clientTLS: ClientTLS?
    /// A nonce the server asks to be echoed (optional).
    public var requestNonce: String?
    public var tags: [String]
    /// `nats.type` as decoded.
    public private(set) var type: String
    public var version: Int
    /// `nats` members not modelled here, preserved.
    public var unknownFields: [String: JSONValue]

    public init(
        serverID: ServerID, userNKey: String, clientInfo: ClientInformation = ClientInformation(),
        connectOptions: ConnectOptions = ConnectOptions(), clientTLS: ClientTLS? = nil, requestNonce: String? = nil,
        tags: [String] = []
    ) {
        self.serverID = serverID
        self.userNKey = userNKey
        self.clientInfo = clientInfo
        self.connectOptions = connectOptions
        self.clientTLS = clientTLS
        self.requestNonce = requestNonce
        self.tags = tags
        self.type = Self.claimType
        self.version = 2
        self.unknownFields = [:]
    }

    /// Every member, as decoded (the hand-written reader's counterpart of `init(from:)`).
    init(
        serverID: ServerID, userNKey: String, clientInfo: ClientInformation, connectOptions: ConnectOptions,
        clientTLS: ClientTLS?, requestNonce: String?, tags: [String], type: String, version: Int,
        unknownFields: [String: JSONValue]
    ) {
        self.init(serverID: serverID, userNKey: userNKey, clientInfo: clientInfo, connectOptions: connectOptions,
                  clientTLS: clientTLS, requestNonce: requestNonce, tags: tags)
        self.type = type
        self.version = version
        self.unknownFields = unknownFields
    }

    /// Every member of a request's `nats` section, named once (see ``ClaimField``).
    @usableFromInline enum Field: Int, ClaimField {
        case clientInfo, clientTLS, connectOptions, requestNonce, serverID, tags, type, userNKey, version

        @usableFromInline var name: StaticString {
            switch self {
            case .clientInfo: "client_info"
            case .clientTLS: "client_tls"
            case .connectOptions: "connect_opts"
            case .requestNonce: "request_nonce"
            case .serverID: "server_id"
            case .tags: "tags"
            case .type: "type"
            case .userNKey: "user_nkey"
            case .version: "version"
            }
        }
    }

    static let knownFields = Field.names

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        serverID = try c.decode(ServerID.self, forKey: Field.serverID.key)
        userNKey = try c.decode(String.self, forKey: Field.userNKey.key)
        clientInfo = try c.decodeIfPresent(ClientInformation.self, forKey: Field.clientInfo.key) ?? ClientInformation()
        connectOptions = try c.decodeIfPresent(ConnectOptions.self, forKey: Field.connectOptions.key) ?? ConnectOptions()
        clientTLS = try c.decodeIfPresent(ClientTLS.self, forKey: Field.clientTLS.key)
        requestNonce = try c.decodeIfPresent(String.self, forKey: Field.requestNonce.key)
        (tags, type, version) = try c.genericFields()
        unknownFields = try c.unknownFields(excluding: Self.knownFields)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ClaimKey.self)
        try Field.forEach { field in
            switch field {
            case .clientInfo: try c.encode(clientInfo, forKey: field.key)
            case .clientTLS: try c.encodeIfPresent(clientTLS, forKey: field.key)
            case .connectOptions: try c.encode(connectOptions, forKey: field.key)
            case .requestNonce: try c.encodeNonEmpty(requestNonce, forKey: field.key)
            case .serverID: try c.encode(serverID, forKey: field.key)
            case .tags: try c.encodeNonEmpty(tags, forKey: field.key)
            case .type: try c.encode(Self.claimType, forKey: field.key)
            case .userNKey: try c.encode(userNKey, forKey: field.key)
            case .version: try c.encode(version, forKey: field.key)
            }
        }
        try c.encodeUnknownFields(unknownFields, excluding: Self.knownFields)
    }
}

/// The server that sent a request (nats-io/jwt `ServerID`).
public struct ServerID: Codable, Sendable, Equatable {
    public var name: String
    public var host: String
    /// The server's public key (`N…`); the response's `aud`.
    public var id: String
    public var version: String?
    public var cluster: String?
    public var tags: [String]?
    /// The server's curve key (`X…`) when it encrypts requests.
    public var xkey: String?

    public init(name: String, host: String, id: String, version: String? = nil, cluster: String? = nil,
                tags: [String]? = nil, xkey: String? = nil) {
        self.name = name
        self.host = host
        self.id = id
        self.version = version
        self.cluster = cluster
        self.tags = tags
        self.xkey = xkey
    }

    /// The members, named once: Codable and the fast reader both use these.
    enum CodingKeys: String, MemberNamedKey {
        static let memberNames = MemberNames<CodingKeys>()

        case name, host, id, version, cluster, tags, xkey
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        host = try c.decodeIfPresent(String.self, forKey: .host) ?? ""
        id = try c.decodeIfPresent(String.self, forKey: .id) ?? ""
        version = try c.decodeIfPresent(String.self, forKey: .version)
        cluster = try c.decodeIfPresent(String.self, forKey: .cluster)
        tags = try c.decodeIfPresent([String].self, forKey: .tags)
        xkey = try c.decodeIfPresent(String.self, forKey: .xkey)
    }
}

/// What the server knows about the connecting client (nats-io/jwt `ClientInformation`).
public struct ClientInformation: Codable, Sendable, Equatable {
    public var host: String?
    /// The connection id (cid) on that server.
    public var id: UInt64?
    public var user: String?
    public var name: String?
    public var tags: [String]?
    public var nameTag: String?
    /// `Client`, `Leafnode`, …
    public var kind: String?
    /// `nats`, `websocket`, `mqtt`, …
    public var type: String?
    public var mqttID: String?
    /// The connection nonce, present when the client signed one (`connect_opts.sig`).
    public var nonce: String?

    public init(host: String? = nil, id: UInt64? = nil, user: String? = nil, name: String? = nil,
                tags: [String]? = nil, nameTag: String? = nil, kind: String? = nil, type: String? = nil,
                mqttID: String? = nil, nonce: String? = nil) {
        self.host = host
        self.id = id
        self.user = user
        self.name = name
        self.tags = tags
        self.nameTag = nameTag
        self.kind = kind
        self.type = type
        self.mqttID = mqttID
        self.nonce = nonce
    }

    /// The members, named once: Codable and the fast reader both use these.
    enum CodingKeys: String, MemberNamedKey {
        static let memberNames = MemberNames<CodingKeys>()

        case host, id, user, name, tags, kind, type, nonce
        case nameTag = "name_tag"
        case mqttID = "mqtt_id"
    }
}

/// The client's CONNECT options (nats-io/jwt `ConnectOptions`). Holds credentials in clear:
/// `description` and the mirror redact `pass` and `auth_token`.
public struct ConnectOptions: Codable, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var jwt: String?
    public var nkey: String?
    /// Signature over the nonce (base64url), to be checked against `nkey` by the service.
    public var signedNonce: String?
    public var authToken: String?
    public var username: String?
    public var password: String?
    public var name: String?
    public var lang: String?
    public var version: String?
    public var `protocol`: Int

    public init(jwt: String? = nil, nkey: String? = nil, signedNonce: String? = nil, authToken: String? = nil,
                username: String? = nil, password: String? = nil, name: String? = nil, lang: String? = nil,
                version: String? = nil, protocol: Int = 0) {
        self.jwt = jwt
        self.nkey = nkey
        self.signedNonce = signedNonce
        self.authToken = authToken
        self.username = username
        self.password = password
        self.name = name
        self.lang = lang
        self.version = version
        self.protocol = `protocol`
    }

    /// The members, named once: Codable and the fast reader both use these.
    enum CodingKeys: String, MemberNamedKey {
        static let memberNames = MemberNames<CodingKeys>()

        case jwt, nkey, name, lang, version, `protocol`
        case signedNonce = "sig"
        case authToken = "auth_token"
        case username = "user"
        case password = "pass"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        jwt = try c.decodeIfPresent(String.self, forKey: .jwt)
        nkey = try c.decodeIfPresent(String.self, forKey: .nkey)
        signedNonce = try c.decodeIfPresent(String.self, forKey: .signedNonce)
        authToken = try c.decodeIfPresent(String.self, forKey: .authToken)
        username = try c.decodeIfPresent(String.self, forKey: .username)
        password = try c.decodeIfPresent(String.self, forKey: .password)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        lang = try c.decodeIfPresent(String.self, forKey: .lang)
        version = try c.decodeIfPresent(String.self, forKey: .version)
        `protocol` = try c.decodeIfPresent(Int.self, forKey: .protocol) ?? 0
    }

    public var description: String {
        "ConnectOptions(user: \(username ?? "-"), pass: \(password == nil ? "-" : "<redacted>"), "
            + "auth_token: \(authToken == nil ? "-" : "<redacted>"), nkey: \(nkey ?? "-"), jwt: \(jwt == nil ? "-" : "<set>"), "
            + "name: \(name ?? "-"), lang: \(lang ?? "-"), version: \(version ?? "-"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["description": description], displayStyle: .struct)
    }
}

/// TLS details of a client connection (nats-io/jwt `ClientTLS`): PEM certificates.
public struct ClientTLS: Codable, Sendable, Equatable {
    public var version: String?
    public var cipher: String?
    public var certs: [String]?
    public var verifiedChains: [[String]]?

    public init(version: String? = nil, cipher: String? = nil, certs: [String]? = nil,
                verifiedChains: [[String]]? = nil) {
        self.version = version
        self.cipher = cipher
        self.certs = certs
        self.verifiedChains = verifiedChains
    }

    /// The members, named once: Codable and the fast reader both use these.
    enum CodingKeys: String, MemberNamedKey {
        static let memberNames = MemberNames<CodingKeys>()

        case version, cipher, certs
        case verifiedChains = "verified_chains"
    }
}

import JSON
import NKeys

/// The `nats` section of an account JWT (nats-io/jwt `Account`), enough for operator mode
/// and auth callout: signing keys, limits and external authorization. Imports, exports,
/// revocations, mappings and the rest are kept verbatim in `unknownFields`.
public struct NATSAccount: NATSClaimsPayload {
    public static let claimType = "account"
    /// Accounts are issued by the operator (or one of its signing keys).
    public static let allowedIssuerTypes: Set<NKeyType> = [.operator]

    /// Keys (`A…`) that may sign user JWTs for this account.
    public var signingKeys: [AccountSigningKey]
    public var limits: AccountLimits
    /// Auth callout settings.
    public var authorization: ExternalAuthorization
    public var tags: [String]
    /// `nats.type` as decoded.
    public private(set) var type: String
    public var version: Int
    /// `nats` members not modelled here (imports, exports, revocations, …), preserved.
    public var unknownFields: [String: JSONValue]

    public init(signingKeys: [AccountSigningKey] = [], limits: AccountLimits = AccountLimits(),
                authorization: ExternalAuthorization = ExternalAuthorization(), tags: [String] = []) {
        self.signingKeys = signingKeys
        self.limits = limits
        self.authorization = authorization
        self.tags = tags
        self.type = Self.claimType
        self.version = 2
        self.unknownFields = [:]
    }

    static let knownFields: Set<String> = ["signing_keys", "limits", "authorization", "tags", "type", "version"]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        signingKeys = try c.decodeIfPresent([AccountSigningKey].self, forKey: "signing_keys") ?? []
        limits = try c.decodeIfPresent(AccountLimits.self, forKey: "limits") ?? AccountLimits.zero
        authorization = try c.decodeIfPresent(ExternalAuthorization.self, forKey: "authorization")
            ?? ExternalAuthorization()
        (tags, type, version) = try c.genericFields()
        unknownFields = try c.unknownFields(excluding: Self.knownFields)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ClaimKey.self)
        if !signingKeys.isEmpty { try c.encode(signingKeys, forKey: "signing_keys") }
        try c.encode(limits, forKey: "limits")
        if authorization != ExternalAuthorization() { try c.encode(authorization, forKey: "authorization") }
        try c.encodeNonEmpty(tags, forKey: "tags")
        try c.encode(Self.claimType, forKey: "type")
        try c.encode(version, forKey: "version")
        try c.encodeUnknownFields(unknownFields, excluding: Self.knownFields)
    }
}

/// An account signing key: a plain public key, or a scoped key whose JSON object (with its
/// permission template) is kept as is.
public enum AccountSigningKey: Codable, Sendable, Equatable {
    case key(String)
    case scoped([String: JSONValue])

    /// The public key (`A…`).
    public var publicKey: String? {
        switch self {
        case .key(let key): key
        case .scoped(let object): if case .string(let key)? = object["key"] { key } else { nil }
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let key = try? container.decode(String.self) {
            self = .key(key)
        } else {
            self = .scoped(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .key(let key): try container.encode(key)
        case .scoped(let object): try container.encode(object)
        }
    }
}

/// Account limits (nats-io/jwt `OperatorLimits`): -1 = unlimited; JetStream 0 = disabled.
public struct AccountLimits: Codable, Sendable, Equatable {
    public var subs: Int64
    public var data: Int64
    public var payload: Int64
    public var imports: Int64
    public var exports: Int64
    /// Wildcard exports allowed (`wildcards`).
    public var wildcardExports: Bool
    public var disallowBearer: Bool
    /// Maximum client connections (`conn`).
    public var connections: Int64
    /// Maximum leaf node connections (`leaf`).
    public var leafNodeConnections: Int64
    public var memoryStorage: Int64
    public var diskStorage: Int64
    public var streams: Int64
    public var consumers: Int64
    /// Limit members not modelled here (e.g. `tiered_limits`), preserved.
    public var unknownFields: [String: JSONValue]

    /// Unlimited, with JetStream disabled, as nats-io/jwt's `NewAccountClaims`.
    public init(subs: Int64 = -1, data: Int64 = -1, payload: Int64 = -1, imports: Int64 = -1, exports: Int64 = -1,
                wildcardExports: Bool = true, disallowBearer: Bool = false, connections: Int64 = -1,
                leafNodeConnections: Int64 = -1, memoryStorage: Int64 = 0, diskStorage: Int64 = 0,
                streams: Int64 = 0, consumers: Int64 = 0) {
        self.subs = subs
        self.data = data
        self.payload = payload
        self.imports = imports
        self.exports = exports
        self.wildcardExports = wildcardExports
        self.disallowBearer = disallowBearer
        self.connections = connections
        self.leafNodeConnections = leafNodeConnections
        self.memoryStorage = memoryStorage
        self.diskStorage = diskStorage
        self.streams = streams
        self.consumers = consumers
        self.unknownFields = [:]
    }

    /// What Go reads from an absent `limits`: every value zero.
    static let zero = AccountLimits(subs: 0, data: 0, payload: 0, imports: 0, exports: 0, wildcardExports: false,
                                    connections: 0, leafNodeConnections: 0)

    static let knownFields: Set<String> = [
        "subs", "data", "payload", "imports", "exports", "wildcards", "disallow_bearer", "conn", "leaf",
        "mem_storage", "disk_storage", "streams", "consumer",
    ]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        func int(_ key: ClaimKey) throws -> Int64 { try c.decodeIfPresent(Int64.self, forKey: key) ?? 0 }
        subs = try int("subs")
        data = try int("data")
        payload = try int("payload")
        imports = try int("imports")
        exports = try int("exports")
        wildcardExports = try c.decodeIfPresent(Bool.self, forKey: "wildcards") ?? false
        disallowBearer = try c.decodeIfPresent(Bool.self, forKey: "disallow_bearer") ?? false
        connections = try int("conn")
        leafNodeConnections = try int("leaf")
        memoryStorage = try int("mem_storage")
        diskStorage = try int("disk_storage")
        streams = try int("streams")
        consumers = try int("consumer")
        unknownFields = try c.unknownFields(excluding: Self.knownFields)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ClaimKey.self)
        // Go's omitempty: zero values are left out and read back as zero.
        for (key, value) in [("subs", subs), ("data", data), ("payload", payload), ("imports", imports),
                             ("exports", exports), ("conn", connections), ("leaf", leafNodeConnections),
                             ("mem_storage", memoryStorage), ("disk_storage", diskStorage), ("streams", streams),
                             ("consumer", consumers)] where value != 0 {
            try c.encode(value, forKey: ClaimKey(key))
        }
        try c.encodeIfTrue(wildcardExports, forKey: "wildcards")
        try c.encodeIfTrue(disallowBearer, forKey: "disallow_bearer")
        try c.encodeUnknownFields(unknownFields, excluding: Self.knownFields)
    }
}

/// Auth callout settings of an account (nats-io/jwt `ExternalAuthorization`).
public struct ExternalAuthorization: Codable, Sendable, Equatable {
    /// Users (`U…`) that bypass the callout (the service's own connection).
    public var authUsers: [String]
    /// Accounts the callout may place users in.
    public var allowedAccounts: [String]
    /// The service's curve key (`X…`) when requests are encrypted.
    public var xkey: String?

    public init(authUsers: [String] = [], allowedAccounts: [String] = [], xkey: String? = nil) {
        self.authUsers = authUsers
        self.allowedAccounts = allowedAccounts
        self.xkey = xkey
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        authUsers = try c.stringList("auth_users")
        allowedAccounts = try c.stringList("allowed_accounts")
        xkey = try c.decodeIfPresent(String.self, forKey: "xkey")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ClaimKey.self)
        try c.encodeNonEmpty(authUsers, forKey: "auth_users")
        try c.encodeNonEmpty(allowedAccounts, forKey: "allowed_accounts")
        try c.encodeNonEmpty(xkey, forKey: "xkey")
    }
}

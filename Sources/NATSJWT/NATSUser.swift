import Foundation
import JSON
import NKeys

/// The `nats` section of a user JWT (nats-io/jwt `User`): permissions, limits and options.
///
/// `subs`, `data` and `payload` are always written (-1 = unlimited), because omitted values
/// read as 0 on some server paths.
public struct NATSUser: NATSClaimsPayload {
    public static let claimType = "user"
    /// Users are issued by an account or one of its signing keys.
    public static let allowedIssuerTypes: Set<NKeyType> = [.account]

    /// Subjects the user may publish to.
    public var pub: Permission
    /// Subjects the user may subscribe to.
    public var sub: Permission
    /// Permission to reply to requests it received, without a publish permission.
    public var resp: ResponsePermission?
    /// Maximum subscriptions (-1 unlimited).
    public var subs: Int64
    /// Maximum bytes (-1 unlimited).
    public var data: Int64
    /// Maximum message payload (-1 unlimited).
    public var payload: Int64
    /// Allowed source networks (CIDRs).
    public var src: [String]
    /// Daily connect windows.
    public var times: [TimeRange]
    /// IANA time zone for `times`.
    public var timesLocation: String?
    /// The JWT alone authenticates (no nonce signature required).
    public var bearerToken: Bool
    /// Must connect through a proxy (nats-server 2.12+).
    public var proxyRequired: Bool
    /// Allowed connection types (`STANDARD`, `WEBSOCKET`, `MQTT`, `LEAFNODE`, …).
    public var allowedConnectionTypes: [String]
    /// The account when a signing key issued these claims.
    public var issuerAccount: String?
    /// Tags.
    public var tags: [String]
    /// `nats.type` as decoded; always `"user"` for claims made here.
    public internal(set) var type: String
    /// `nats.version` (2 for claims made here).
    public var version: Int
    /// `nats` members not modelled here, preserved.
    public var unknownFields: [String: JSONValue]

    /// Creates user claims; limits default to unlimited.
    public init(
        pub: Permission = Permission(), sub: Permission = Permission(), resp: ResponsePermission? = nil,
        subs: Int64 = -1, data: Int64 = -1, payload: Int64 = -1, src: [String] = [], times: [TimeRange] = [],
        timesLocation: String? = nil, bearerToken: Bool = false, proxyRequired: Bool = false,
        allowedConnectionTypes: [String] = [], issuerAccount: String? = nil, tags: [String] = []
    ) {
        self.pub = pub
        self.sub = sub
        self.resp = resp
        self.subs = subs
        self.data = data
        self.payload = payload
        self.src = src
        self.times = times
        self.timesLocation = timesLocation
        self.bearerToken = bearerToken
        self.proxyRequired = proxyRequired
        self.allowedConnectionTypes = allowedConnectionTypes
        self.issuerAccount = issuerAccount
        self.tags = tags
        self.type = Self.claimType
        self.version = 2
        self.unknownFields = [:]
    }

    static let knownFields: Set<String> = [
        "pub", "sub", "resp", "subs", "data", "payload", "src", "times", "times_location", "bearer_token",
        "proxy_required", "allowed_connection_types", "issuer_account", "tags", "type", "version",
    ]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        pub = try c.decodeIfPresent(Permission.self, forKey: "pub") ?? Permission()
        sub = try c.decodeIfPresent(Permission.self, forKey: "sub") ?? Permission()
        resp = try c.decodeIfPresent(ResponsePermission.self, forKey: "resp")
        // Absent limits are 0 in Go; keep that meaning rather than inventing "unlimited".
        subs = try c.decodeIfPresent(Int64.self, forKey: "subs") ?? 0
        data = try c.decodeIfPresent(Int64.self, forKey: "data") ?? 0
        payload = try c.decodeIfPresent(Int64.self, forKey: "payload") ?? 0
        src = try Self.decodeCIDRs(c)
        times = try c.decodeIfPresent([TimeRange].self, forKey: "times") ?? []
        timesLocation = try c.decodeIfPresent(String.self, forKey: "times_location")
        bearerToken = try c.decodeIfPresent(Bool.self, forKey: "bearer_token") ?? false
        proxyRequired = try c.decodeIfPresent(Bool.self, forKey: "proxy_required") ?? false
        allowedConnectionTypes = try c.stringList("allowed_connection_types")
        issuerAccount = try c.decodeIfPresent(String.self, forKey: "issuer_account")
        tags = try c.stringList("tags")
        version = try c.decodeIfPresent(Int.self, forKey: "version") ?? 0
        type = try c.decodeIfPresent(String.self, forKey: "type") ?? ""
        unknownFields = try c.unknownFields(excluding: Self.knownFields)
    }

    /// `src` is a JSON array in jwt v2; older tools wrote one comma-separated string.
    private static func decodeCIDRs(_ c: KeyedDecodingContainer<ClaimKey>) throws -> [String] {
        if let list = try? c.decodeIfPresent([String].self, forKey: "src") { return list }
        guard let text = try c.decodeIfPresent(String.self, forKey: "src") else { return [] }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ClaimKey.self)
        try c.encode(pub, forKey: "pub")
        try c.encode(sub, forKey: "sub")
        try c.encodeIfPresent(resp, forKey: "resp")
        try c.encode(subs, forKey: "subs")
        try c.encode(data, forKey: "data")
        try c.encode(payload, forKey: "payload")
        try c.encodeNonEmpty(src, forKey: "src")
        if !times.isEmpty { try c.encode(times, forKey: "times") }
        try c.encodeNonEmpty(timesLocation, forKey: "times_location")
        try c.encodeIfTrue(bearerToken, forKey: "bearer_token")
        try c.encodeIfTrue(proxyRequired, forKey: "proxy_required")
        try c.encodeNonEmpty(allowedConnectionTypes, forKey: "allowed_connection_types")
        try c.encodeNonEmpty(issuerAccount, forKey: "issuer_account")
        try c.encodeNonEmpty(tags, forKey: "tags")
        try c.encode(Self.claimType, forKey: "type")
        try c.encode(version, forKey: "version")
        try c.encodeUnknownFields(unknownFields, excluding: Self.knownFields)
    }
}

/// Allow and deny subject lists (nats-io/jwt `Permission`).
public struct Permission: Codable, Sendable, Equatable {
    /// Subjects allowed (empty: everything not denied, when `deny` is set; see nats docs).
    public var allow: [String]
    /// Subjects denied.
    public var deny: [String]

    public init(allow: [String] = [], deny: [String] = []) {
        self.allow = allow
        self.deny = deny
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        allow = try c.stringList("allow")
        deny = try c.stringList("deny")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ClaimKey.self)
        try c.encodeNonEmpty(allow, forKey: "allow")
        try c.encodeNonEmpty(deny, forKey: "deny")
    }
}

/// Response permission (nats-io/jwt `ResponsePermission`): `ttl` is a Go duration in nanoseconds.
public struct ResponsePermission: Codable, Sendable, Equatable {
    /// Maximum responses per request (`max`).
    public var maxMessages: Int
    /// How long the reply permission lasts (`ttl`); zero means no limit.
    public var expires: Duration

    public init(maxMessages: Int, expires: Duration = .zero) {
        self.maxMessages = maxMessages
        self.expires = expires
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        maxMessages = try c.decodeIfPresent(Int.self, forKey: "max") ?? 0
        expires = .nanoseconds(try c.decodeIfPresent(Int64.self, forKey: "ttl") ?? 0)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ClaimKey.self)
        try c.encode(maxMessages, forKey: "max")
        try c.encode(Self.nanoseconds(expires), forKey: "ttl")
    }

    /// Go's `time.Duration`: nanoseconds in an Int64, saturating instead of overflowing (±292 years).
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow || overflow2 { return seconds < 0 ? .min : .max }
        return total
    }
}

/// A daily connect window, `start`/`end` as `HH:MM:SS` (nats-io/jwt `TimeRange`).
public struct TimeRange: Codable, Sendable, Equatable {
    public var start: String
    public var end: String

    public init(start: String, end: String) {
        self.start = start
        self.end = end
    }
}

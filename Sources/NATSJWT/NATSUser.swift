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

    /// Every member of a user's `nats` section, named once (see ``ClaimField``).
    @usableFromInline enum Field: Int, ClaimField {
        case allowedConnectionTypes, bearerToken, data, issuerAccount, payload, proxyRequired, pub, resp, src, sub,
            subs, tags, times, timesLocation, type, version

        @usableFromInline var name: StaticString {
            switch self {
            case .allowedConnectionTypes: "allowed_connection_types"
            case .bearerToken: "bearer_token"
            case .data: "data"
            case .issuerAccount: "issuer_account"
            case .payload: "payload"
            case .proxyRequired: "proxy_required"
            case .pub: "pub"
            case .resp: "resp"
            case .src: "src"
            case .sub: "sub"
            case .subs: "subs"
            case .tags: "tags"
            case .times: "times"
            case .timesLocation: "times_location"
            case .type: "type"
            case .version: "version"
            }
        }
    }

    static let knownFields = Field.names

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        pub = try c.decodeIfPresent(Permission.self, forKey: Field.pub.key) ?? Permission()
        sub = try c.decodeIfPresent(Permission.self, forKey: Field.sub.key) ?? Permission()
        resp = try c.decodeIfPresent(ResponsePermission.self, forKey: Field.resp.key)
        // Absent limits are 0 in Go; keep that meaning rather than inventing "unlimited".
        subs = try c.decodeIfPresent(Int64.self, forKey: Field.subs.key) ?? 0
        data = try c.decodeIfPresent(Int64.self, forKey: Field.data.key) ?? 0
        payload = try c.decodeIfPresent(Int64.self, forKey: Field.payload.key) ?? 0
        src = try Self.decodeCIDRs(c)
        times = try c.decodeIfPresent([TimeRange].self, forKey: Field.times.key) ?? []
        timesLocation = try c.decodeIfPresent(String.self, forKey: Field.timesLocation.key)
        bearerToken = try c.decodeIfPresent(Bool.self, forKey: Field.bearerToken.key) ?? false
        proxyRequired = try c.decodeIfPresent(Bool.self, forKey: Field.proxyRequired.key) ?? false
        allowedConnectionTypes = try c.stringList(Field.allowedConnectionTypes.key)
        issuerAccount = try c.decodeIfPresent(String.self, forKey: Field.issuerAccount.key)
        (tags, type, version) = try c.genericFields()
        unknownFields = try c.unknownFields(excluding: Self.knownFields)
    }

    /// `src` is a JSON array in jwt v2; older tools wrote one comma-separated string.
    private static func decodeCIDRs(_ c: KeyedDecodingContainer<ClaimKey>) throws -> [String] {
        if let list = try? c.decodeIfPresent([String].self, forKey: Field.src.key) { return list }
        guard let text = try c.decodeIfPresent(String.self, forKey: Field.src.key) else { return [] }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeFields(to: encoder, unknownFields: unknownFields, excluding: Self.knownFields)
    }
}

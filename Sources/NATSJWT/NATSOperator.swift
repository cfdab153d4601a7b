import JSON
import NKeys

/// The `nats` section of an operator JWT (nats-io/jwt `Operator`).
public struct NATSOperator: NATSClaimsPayload {
    public static let claimType = "operator"
    /// Operators sign their own JWT (or with one of their signing keys).
    public static let allowedIssuerTypes: Set<NKeyType> = [.operator]

    /// Keys (`O…`) that may sign account JWTs.
    public var signingKeys: [String]
    /// The system account's public key (`A…`).
    public var systemAccount: String?
    public var accountServerURL: String?
    public var operatorServiceURLs: [String]
    public var assertServerVersion: String?
    public var strictSigningKeyUsage: Bool
    public var tags: [String]
    /// `nats.type` as decoded.
    public private(set) var type: String
    public var version: Int
    /// `nats` members not modelled here, preserved.
    public var unknownFields: [String: JSONValue]

    public init(signingKeys: [String] = [], systemAccount: String? = nil, accountServerURL: String? = nil,
                operatorServiceURLs: [String] = [], assertServerVersion: String? = nil,
                strictSigningKeyUsage: Bool = false, tags: [String] = []) {
        self.signingKeys = signingKeys
        self.systemAccount = systemAccount
        self.accountServerURL = accountServerURL
        self.operatorServiceURLs = operatorServiceURLs
        self.assertServerVersion = assertServerVersion
        self.strictSigningKeyUsage = strictSigningKeyUsage
        self.tags = tags
        self.type = Self.claimType
        self.version = 2
        self.unknownFields = [:]
    }

    static let knownFields: Set<String> = [
        "signing_keys", "system_account", "account_server_url", "operator_service_urls", "assert_server_version",
        "strict_signing_key_usage", "tags", "type", "version",
    ]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        signingKeys = try c.stringList("signing_keys")
        systemAccount = try c.decodeIfPresent(String.self, forKey: "system_account")
        accountServerURL = try c.decodeIfPresent(String.self, forKey: "account_server_url")
        operatorServiceURLs = try c.stringList("operator_service_urls")
        assertServerVersion = try c.decodeIfPresent(String.self, forKey: "assert_server_version")
        strictSigningKeyUsage = try c.decodeIfPresent(Bool.self, forKey: "strict_signing_key_usage") ?? false
        (tags, type, version) = try c.genericFields()
        unknownFields = try c.unknownFields(excluding: Self.knownFields)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ClaimKey.self)
        try c.encodeNonEmpty(signingKeys, forKey: "signing_keys")
        try c.encodeNonEmpty(systemAccount, forKey: "system_account")
        try c.encodeNonEmpty(accountServerURL, forKey: "account_server_url")
        try c.encodeNonEmpty(operatorServiceURLs, forKey: "operator_service_urls")
        try c.encodeNonEmpty(assertServerVersion, forKey: "assert_server_version")
        try c.encodeIfTrue(strictSigningKeyUsage, forKey: "strict_signing_key_usage")
        try c.encodeNonEmpty(tags, forKey: "tags")
        try c.encode(Self.claimType, forKey: "type")
        try c.encode(version, forKey: "version")
        try c.encodeUnknownFields(unknownFields, excluding: Self.knownFields)
    }
}

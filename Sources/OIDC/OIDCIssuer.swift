import Foundation

/// One identity provider whose tokens sign clients in (`oidc.issuers[]`).
public struct OIDCIssuer: Sendable, Hashable {
    /// The `iss` value, exactly; discovery is `<issuer>/.well-known/openid-configuration`.
    public var issuer: String
    /// Accepted `aud` values: a token must name at least one.
    public var audiences: [String]
    /// The algorithms accepted from this issuer (never `none` or HMAC: see ``TokenAlgorithm``).
    public var algorithms: Set<TokenAlgorithm>
    /// Which claim names the SCIM user.
    public var mapping: ClaimMapping
    /// Accepted clock difference for `exp`, `nbf` and `iat`.
    public var clockSkew: Duration
    /// When set, a token issued (`iat`) longer ago than this is refused even before its `exp`.
    public var maxTokenAge: Duration?
    /// How often the keys are fetched again when the JWKS response sets no shorter `max-age`.
    public var refreshInterval: Duration
    /// How long keys that vanished from the JWKS (or could not be refetched) are still accepted.
    public var staleKeyGrace: Duration
    /// The least time between two fetches caused by tokens naming an unknown `kid`.
    public var unknownKeyFetchInterval: Duration
    /// When set, a token claim (e.g. `groups`, `roles`) that can only narrow what SCIM grants:
    /// the SCIM groups kept are those whose display name or external id the claim lists.
    public var narrowingClaim: String?

    public init(issuer: String, audiences: [String], algorithms: Set<TokenAlgorithm> = TokenAlgorithm.defaultAllowed,
                mapping: ClaimMapping, clockSkew: Duration = .seconds(60), maxTokenAge: Duration? = nil,
                refreshInterval: Duration = .seconds(3600), staleKeyGrace: Duration = .seconds(86_400),
                unknownKeyFetchInterval: Duration = .seconds(30), narrowingClaim: String? = nil) {
        self.issuer = issuer
        self.audiences = audiences
        self.algorithms = algorithms
        self.mapping = mapping
        self.clockSkew = clockSkew
        self.maxTokenAge = maxTokenAge
        self.refreshInterval = refreshInterval
        self.staleKeyGrace = staleKeyGrace
        self.unknownKeyFetchInterval = unknownKeyFetchInterval
        self.narrowingClaim = narrowingClaim
    }

    /// The discovery document's address.
    public var discoveryURL: String {
        (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/openid-configuration"
    }
}

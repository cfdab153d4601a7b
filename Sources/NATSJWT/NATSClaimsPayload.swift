import NKeys

/// The `nats` section of one kind of claims (user, account, authorization request, …).
public protocol NATSClaimsPayload: Codable, Sendable, Equatable {
    /// The value of `nats.type`, e.g. `"user"`.
    static var claimType: String { get }
    /// The key types that may issue (sign) these claims.
    static var allowedIssuerTypes: Set<NKeyType> { get }
    /// `nats.type`: `claimType` for claims made here, as read for decoded ones ("" when absent).
    var type: String { get }
}

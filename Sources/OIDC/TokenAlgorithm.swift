/// A JWS algorithm a token login may be signed with.
///
/// Only asymmetric algorithms exist here: `none` and the HMAC family (`HS256`…) have no case, so
/// no configuration can allow them and a token naming one is refused before any key is looked
/// at (a public key can never be used as an HMAC secret).
public enum TokenAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"
    case ps256 = "PS256"
    case es256 = "ES256"
    case es384 = "ES384"
    case edDSA = "EdDSA"

    /// The algorithms an issuer allows unless its configuration narrows them.
    public static let defaultAllowed: Set<TokenAlgorithm> = [.rs256, .es256]
}

/// Every standard member of a NATS JWT's claims, named once (see ``ClaimField``); not nested
/// in the generic `JWTClaims`, so it is one type for every payload.
@usableFromInline enum JWTClaimField: Int, ClaimField {
    case audience, expires, issuedAt, issuer, id, name, nats, notBefore, subject

    @usableFromInline var name: StaticString {
        switch self {
        case .audience: "aud"
        case .expires: "exp"
        case .issuedAt: "iat"
        case .issuer: "iss"
        case .id: "jti"
        case .name: "name"
        case .nats: "nats"
        case .notBefore: "nbf"
        case .subject: "sub"
        }
    }
}

import IdentityStore
import OIDC

extension DecisionReason {
    /// The reason a refused token login is recorded with.
    init(_ code: TokenFailure.Code) {
        switch code {
        case .invalid: self = .tokenInvalid
        case .expired: self = .tokenExpired
        case .notYetValid: self = .tokenNotYetValid
        case .unknownIssuer: self = .unknownIssuer
        case .issuerUnavailable: self = .issuerUnavailable
        }
    }
}

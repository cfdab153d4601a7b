import IdentityStore
import SCIM

extension SCIMError {
    /// The SCIM error a client receives for a store error (RFC 7644 §3.12).
    init(_ error: IdentityStoreError) {
        switch error.code {
        case .notFound: self = .notFound(error.detail)
        case .uniqueness: self = .uniqueness(error.detail)
        case .preconditionFailed: self = .preconditionFailed(error.detail)
        case .conflict: self = SCIMError(status: 409, detail: error.detail)
        case .invalidValue: self = .invalidValue(error.detail)
        case .unavailable: self = SCIMError(status: 503, detail: error.detail)
        // The detail is for the log only.
        case .passwordHashing: self = .internalError()
        }
    }
}

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

    /// Runs a store write and rethrows the store's client-visible errors (its refusals, 503 when
    /// a replicated write could not be applied in time) as SCIM errors. A password hashing
    /// failure (thrown by a transform) stays as it is so the error middleware logs it.
    static func translatingStoreErrors<Value>(_ write: () async throws -> Value) async throws -> Value {
        do {
            return try await write()
        } catch let error as IdentityStoreError where error.code != .passwordHashing {
            throw SCIMError(error)
        }
    }
}

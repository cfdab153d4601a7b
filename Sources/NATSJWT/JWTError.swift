/// An error from encoding, decoding or verifying a NATS JWT.
///
/// The description names the failed check; it never contains the token, keys or claim values
/// that could be secrets (passwords and tokens travel inside authorization requests).
public struct JWTError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case malformed, unsupportedHeader, badClaims, wrongClaimType, badIssuer
            case badSignature, expired, notYetValid, audienceMismatch, missingSubject, encodingFailed
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Not three base64url segments, or a segment that is not JSON.
        public static let malformed = Code(.malformed)
        /// The header is not `{"typ":"JWT","alg":"ed25519-nkey"}`.
        public static let unsupportedHeader = Code(.unsupportedHeader)
        /// The claims JSON does not match the expected claim structure.
        public static let badClaims = Code(.badClaims)
        /// `nats.type` names another kind of claim than the one asked for.
        public static let wrongClaimType = Code(.wrongClaimType)
        /// `iss` is missing, not a valid public key, or of a type not allowed here.
        public static let badIssuer = Code(.badIssuer)
        /// The signature does not verify against `iss`.
        public static let badSignature = Code(.badSignature)
        /// `exp` has passed (beyond the leeway).
        public static let expired = Code(.expired)
        /// `nbf` is still in the future (beyond the leeway).
        public static let notYetValid = Code(.notYetValid)
        /// `aud` is not the expected audience.
        public static let audienceMismatch = Code(.audienceMismatch)
        /// `sub` is empty; nats-io/jwt refuses to encode such claims.
        public static let missingSubject = Code(.missingSubject)
        /// The claims could not be serialised.
        public static let encodingFailed = Code(.encodingFailed)

        public var description: String {
            switch value {
            case .malformed: "malformed"
            case .unsupportedHeader: "unsupportedHeader"
            case .badClaims: "badClaims"
            case .wrongClaimType: "wrongClaimType"
            case .badIssuer: "badIssuer"
            case .badSignature: "badSignature"
            case .expired: "expired"
            case .notYetValid: "notYetValid"
            case .audienceMismatch: "audienceMismatch"
            case .missingSubject: "missingSubject"
            case .encodingFailed: "encodingFailed"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// A short explanation without secrets.
    public let reason: String

    /// Creates an error; `reason` must never contain secrets.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "JWTError.\(code): \(reason)" }
}

/// An error from decoding, validating or using NATS keys.
///
/// The description names the problem and, at most, the key *type*; it never contains key
/// material, so it is safe to log.
public struct NKeysError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case badBase32, badLength, badChecksum, badPrefix, wrongKeyType
            case badSealedMessage, decryptionFailed, cryptoFailure
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The text is not RFC 4648 base32 (bad character or non-zero trailing bits).
        public static let badBase32 = Code(.badBase32)
        /// The decoded key has the wrong number of bytes for its kind.
        public static let badLength = Code(.badLength)
        /// The CRC-16 at the end of the key does not match its content.
        public static let badChecksum = Code(.badChecksum)
        /// The prefix byte is not a known public key or seed prefix.
        public static let badPrefix = Code(.badPrefix)
        /// A valid key of another type than the one the operation needs (e.g. a curve seed
        /// given to `KeyPair`, or an account key where a user key was expected).
        public static let wrongKeyType = Code(.wrongKeyType)
        /// A sealed xkey message is too short or lacks the `xkv1` header.
        public static let badSealedMessage = Code(.badSealedMessage)
        /// The box did not open: wrong keys, or the message was altered.
        public static let decryptionFailed = Code(.decryptionFailed)
        /// libsodium reported a failure (e.g. a low-order curve point).
        public static let cryptoFailure = Code(.cryptoFailure)

        public var description: String {
            switch value {
            case .badBase32: "badBase32"
            case .badLength: "badLength"
            case .badChecksum: "badChecksum"
            case .badPrefix: "badPrefix"
            case .wrongKeyType: "wrongKeyType"
            case .badSealedMessage: "badSealedMessage"
            case .decryptionFailed: "decryptionFailed"
            case .cryptoFailure: "cryptoFailure"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// A short explanation without key material.
    public let reason: String

    /// Creates an error; `reason` must never contain key material.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "NKeysError.\(code): \(reason)" }
}

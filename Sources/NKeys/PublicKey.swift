import CSodium

/// A validated, encoded NATS public key (`O…`, `A…`, `U…`, `N…`, `C…` or `X…`).
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The key type, read from the prefix byte.
    public let type: NKeyType
    /// The encoded form.
    public let encoded: String
    /// The raw 32 key bytes.
    public let rawRepresentation: [UInt8]

    /// Decodes and validates an encoded public key of any type.
    /// - Throws: `NKeysError` with `.badBase32`, `.badChecksum`, `.badPrefix` or `.badLength`.
    public init(_ encoded: String) throws(NKeysError) {
        let (type, key) = try NKeyCodec.decodePublic(encoded)
        self.init(type: type, encoded: encoded, rawRepresentation: key)
    }

    /// Decodes an encoded public key that must be one of `allowedTypes`.
    /// - Throws: as `init(_:)`, or `.wrongKeyType` for a valid key of another type.
    public init(_ encoded: String, allowedTypes: Set<NKeyType>) throws(NKeysError) {
        try self.init(encoded)
        guard allowedTypes.contains(type) else {
            throw NKeysError(.wrongKeyType, "expected a \(allowedTypes.map(\.rawValue).sorted().joined(separator: "/")) key, got \(type)")
        }
    }

    init(type: NKeyType, encoded: String, rawRepresentation: [UInt8]) {
        self.type = type
        self.encoded = encoded
        self.rawRepresentation = rawRepresentation
    }

    /// True when `signature` is a valid ed25519 signature of `message` by this key.
    /// Always false for curve keys and for signatures that are not 64 bytes.
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
        guard type.isSigningType, signature.count == Int(crypto_sign_BYTES), (try? Sodium.ensureInitialised()) != nil
        else { return false }
        return withBytePointer(of: signature) { sig, _ in
            withBytePointer(of: message) { m, length in
                withBytePointer(of: rawRepresentation) { pk, _ in
                    crypto_sign_verify_detached(sig, m, UInt64(length), pk) == 0
                }
            }
        }
    }

    /// True when `encoded` is a valid public key (of one of `types`, when given).
    public static func isValid(_ encoded: String, types: Set<NKeyType> = Set(NKeyType.allCases)) -> Bool {
        (try? PublicKey(encoded, allowedTypes: types)) != nil
    }

    public var description: String { encoded }
}

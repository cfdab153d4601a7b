/// The kinds of NATS keys, each with its own prefix byte (and first letter when encoded).
public enum NKeyType: String, Sendable, CaseIterable, Hashable {
    /// Operator keys: `O…`.
    case `operator`
    /// Account keys: `A…`.
    case account
    /// User keys: `U…`.
    case user
    /// Server keys: `N…`.
    case server
    /// Cluster keys: `C…`.
    case cluster
    /// Curve25519 (xkey) keys: `X…`; used for encryption, never for signing.
    case curve

    /// The prefix byte of an encoded public key of this type.
    public var prefixByte: UInt8 {
        switch self {
        case .operator: 14 << 3
        case .account: 0
        case .user: 20 << 3
        case .server: 13 << 3
        case .cluster: 2 << 3
        case .curve: 23 << 3
        }
    }

    /// The first letter of an encoded public key of this type.
    public var publicPrefix: Character {
        switch self {
        case .operator: "O"
        case .account: "A"
        case .user: "U"
        case .server: "N"
        case .cluster: "C"
        case .curve: "X"
        }
    }

    /// The type whose public prefix byte is `byte`, if any.
    public init?(prefixByte byte: UInt8) {
        guard let type = Self.allCases.first(where: { $0.prefixByte == byte }) else { return nil }
        self = type
    }

    /// True for the types that sign (everything but `curve`).
    public var isSigningType: Bool { self != .curve }

    /// The prefix byte that marks an encoded seed (`S…`).
    static let seedPrefixByte: UInt8 = 18 << 3
}

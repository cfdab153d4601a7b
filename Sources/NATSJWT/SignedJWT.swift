/// A token made by `JWT.signed(_:by:issuedAt:)`: its bytes (what goes on the wire) and the
/// `jti` it carries (what a decision log records), so callers need neither a `String` round
/// trip nor a second `computedID()`.
public struct SignedJWT: Sendable, Hashable {
    /// The token, `header.claims.signature`, as ASCII bytes.
    public let bytes: [UInt8]
    /// The token's `jti`.
    public let id: String

    /// The token as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

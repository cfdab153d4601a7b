/// The outcome of rotating a SCIM token: the successor (its secret shown once) and the tokens it
/// replaces, now set to expire at the end of the overlap.
public struct RotatedToken: Sendable, CustomStringConvertible {
    /// The new token; its plaintext is shown to the operator once.
    public var successor: IssuedToken
    /// The replaced tokens as they are after the rotation (their `expiresAt` is the overlap's end).
    public var predecessors: [TokenInfo]

    /// Redacted like ``IssuedToken``.
    public var description: String {
        "RotatedToken(successor: \(successor), predecessors: \(predecessors.map(\.id)))"
    }
}

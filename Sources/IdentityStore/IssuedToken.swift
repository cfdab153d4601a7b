import Foundation

/// A newly issued token: the plaintext is shown once and never stored.
public struct IssuedToken: Sendable, CustomStringConvertible {
    public var info: TokenInfo
    /// The bearer secret. Show it to the operator once; it is not recoverable.
    public var token: String

    /// Redacted: the secret never reaches logs through string interpolation.
    public var description: String { "IssuedToken(id: \(info.id), name: \(info.name))" }
}

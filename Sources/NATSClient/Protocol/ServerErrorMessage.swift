/// The text of a `-ERR` line, sorted into the kinds a client reacts to.
public struct ServerErrorMessage: Hashable, Sendable, CustomStringConvertible {
    /// The kinds of server errors a client treats differently.
    public enum Kind: Hashable, Sendable {
        case authorizationViolation
        case authenticationExpired
        case authenticationTimeout
        case permissionsViolation
        case staleConnection
        case maximumPayloadViolation
        case maximumConnectionsExceeded
        case slowConsumer
        case other
    }

    /// The message without the surrounding quotes.
    public var message: String

    public init(message: String) {
        self.message = message
    }

    /// The classified kind, matched case-insensitively on the server's wording.
    public var kind: Kind {
        let text = message.lowercased()
        if text.hasPrefix("authorization violation") { return .authorizationViolation }
        if text.hasPrefix("user authentication expired") { return .authenticationExpired }
        if text.hasPrefix("authentication timeout") { return .authenticationTimeout }
        if text.hasPrefix("permissions violation") { return .permissionsViolation }
        if text.hasPrefix("stale connection") { return .staleConnection }
        if text.hasPrefix("maximum payload") { return .maximumPayloadViolation }
        if text.hasPrefix("maximum connections exceeded") { return .maximumConnectionsExceeded }
        if text.hasPrefix("slow consumer") { return .slowConsumer }
        return .other
    }

    /// Whether the server keeps the connection open after this error
    /// (it does only for permission violations on a single publish or subscribe).
    public var keepsConnectionOpen: Bool { kind == .permissionsViolation }

    public var description: String { message }
}

/// An error raised by ``IdentityDatabase``.
///
/// The `description` never contains secrets (passwords, tokens); it names the resource and the
/// reason so the SCIM layer can map it to a status and `scimType`.
public struct IdentityStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// The resource does not exist.
        case notFound
        /// A unique attribute (`userName`, group `displayName`, an nkey, a token) is already taken.
        case uniqueness
        /// `If-Match` named a version that is not the current one.
        case preconditionFailed
        /// The write could not be applied after repeated concurrent modifications.
        case conflict
        /// The input is not acceptable to the store (e.g. an empty `userName`).
        case invalidValue
        /// A password could not be hashed (libsodium failure, e.g. out of memory).
        case passwordHashing
        /// A replicated write could not be applied in time (no stream, no quorum, the replica
        /// stopped applying); the client may retry (SCIM 503).
        case unavailable
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation without secrets.
    public var detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "IdentityStoreError.\(code.rawValue): \(detail)" }
}

/// Who made a change to the identity store, as identity history records it.
///
/// SCIM writes name the bearer token that authenticated the request; the store records the
/// token's name as it was at the time of the change (a token renamed or revoked later does not
/// rewrite history). Everything else (the CLI, imports, tools) is a local author.
public enum ChangeAuthor: Sendable, Hashable {
    /// A SCIM request authenticated by the SCIM bearer token with this id.
    case scimToken(id: String)
    /// A local process: the CLI, an import, a benchmark. The name is recorded as it is.
    case local(String)

    /// The author of writes that name none (local tools and tests).
    public static let unattributed = ChangeAuthor.local("local")
}

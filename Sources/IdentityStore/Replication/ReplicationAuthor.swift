/// The author of a replicated write as the writing replica resolved it (SCIM tokens live in
/// each replica's own database, so the name is looked up once, by the writer).
public struct ReplicationAuthor: Codable, Sendable, Hashable {
    /// The name identity history records (the SCIM token's name, or a local author's).
    public var name: String
    /// The SCIM token's id, for a SCIM request.
    public var tokenId: String?

    public init(name: String, tokenId: String? = nil) {
        self.name = name
        self.tokenId = tokenId
    }

    var historyAuthor: HistoryAuthor { HistoryAuthor(name: name, tokenId: tokenId) }
}

/// The kind of a SCIM resource in the store.
public enum ResourceKind: String, Sendable, Codable, CaseIterable {
    case user = "User"
    case group = "Group"
}

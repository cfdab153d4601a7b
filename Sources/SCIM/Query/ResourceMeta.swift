/// The `meta` attribute of a resource (RFC 7643 §3.1).
public struct ResourceMeta: Sendable, Hashable {
    public var resourceType: String
    public var created: String
    public var lastModified: String
    public var location: String
    /// The version; the ETag is ``ETag/weak(version:)`` of it.
    public var version: String

    public init(resourceType: String, created: String, lastModified: String, location: String, version: String) {
        self.resourceType = resourceType
        self.created = created
        self.lastModified = lastModified
        self.location = location
        self.version = version
    }

    /// The `meta` object, with `version` as a weak ETag as RFC 7644 §3.14 shows.
    public var jsonValue: JSONValue {
        .object([
            "resourceType": .string(resourceType),
            "created": .string(created),
            "lastModified": .string(lastModified),
            "location": .string(location),
            "version": .string(ETag.weak(version: version)),
        ])
    }
}

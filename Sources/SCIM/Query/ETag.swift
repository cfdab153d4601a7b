/// Weak entity tags built from `meta.version` (RFC 7644 §3.14).
public enum ETag {
    /// `W/"<version>"`.
    public static func weak(version: String) -> String {
        "W/\"\(version)\""
    }

    /// The opaque part of an entity tag, without `W/` and quotes.
    public static func opaqueValue(_ tag: String) -> String {
        var text = Substring(tag.trimmingSpaces())
        if text.hasPrefix("W/") || text.hasPrefix("w/") { text = text.dropFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
        return String(text)
    }

    /// Whether an `If-Match` / `If-None-Match` header value (`*` or a comma-separated list)
    /// matches `version`, using weak comparison (RFC 9110 §8.8.3.2).
    public static func header(_ header: String, matches version: String) -> Bool {
        let trimmed = header.trimmingSpaces()
        if trimmed == "*" { return true }
        return trimmed.split(separator: ",").contains { opaqueValue(String($0)) == version }
    }
}

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

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

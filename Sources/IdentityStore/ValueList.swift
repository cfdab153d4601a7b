/// A list of values kept in one single-valued SCIM string, such as the NATS extension's `nkeys`
/// and `tags` (`"UABC… UDEF…"`, `"env:prod, team:payments"`).
///
/// One string rather than a multi-valued attribute because IdPs map it directly (Entra custom
/// extension attributes are single-valued strings) and because RFC 7644 PATCH `add` on a string
/// replaces it, so IdPs and conformance testers see exactly what they sent.
public enum ValueList {
    /// The values in `text`: split at whitespace (including newlines) and commas, empty entries
    /// dropped, duplicates removed keeping the first occurrence.
    public static func items(in text: String) -> [String] {
        var seen: Set<Substring> = []
        return text.split(whereSeparator: { $0 == "," || $0.isWhitespace })
            .filter { seen.insert($0).inserted }
            .map(String.init)
    }
}

/// A SCIM attribute path (RFC 7644 §3.10 `PATH`): an optional schema URN, an attribute, an
/// optional value filter and an optional sub-attribute.
///
/// Examples: `userName`, `name.givenName`, `emails[type eq "work"].value`,
/// `members[value eq "2819c223"]`,
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
public struct AttributePath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URN prefix, if the path is fully qualified (as written).
    public var schema: String?
    /// The top-level attribute name (as written; names are case-insensitive).
    public var attribute: String
    /// The sub-attribute name, if any.
    public var subAttribute: String?
    /// The value filter selecting elements of a multi-valued attribute, if any. Its paths are
    /// relative to the attribute (`type`, not `emails.type`).
    public var valueFilter: Filter?

    public init(schema: String? = nil, attribute: String, subAttribute: String? = nil, valueFilter: Filter? = nil) {
        self.schema = schema
        self.attribute = attribute
        self.subAttribute = subAttribute
        self.valueFilter = valueFilter
    }

    /// Parses a PATCH path (`attrPath` or `valuePath ["." subAttr]`).
    ///
    /// - Throws: 400 `invalidPath` when the text is not a path.
    public static func parse(_ text: String) throws(SCIMError) -> AttributePath {
        do {
            var parser = try FilterParser(text)
            return try parser.parseWholePatchPath()
        } catch let error where error.scimType == .invalidFilter {
            throw .invalidPath("invalid path '\(text.prefix(200))': \(error.detail)")
        }
    }

    /// The path in SCIM syntax.
    public var description: String {
        var text = ""
        if let schema { text += schema + ":" }
        text += attribute
        if let valueFilter { text += "[\(valueFilter)]" }
        if let subAttribute { text += "." + subAttribute }
        return text
    }

    /// Splits `[urn:]attr[.sub]` without a value filter; `nil` if it is not a valid name.
    static func splitSimple(_ text: String) -> AttributePath? {
        var schema: String?
        var rest = Substring(text)
        if text.lowercased().hasPrefix("urn:") {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            schema = String(text[..<colon])
            rest = text[text.index(after: colon)...]
            guard let urn = schema, urn.count > 4 else { return nil }
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        guard parts.allSatisfy({ isAttributeName($0) }) else { return nil }
        return AttributePath(
            schema: schema,
            attribute: String(parts[0]),
            subAttribute: parts.count == 2 ? String(parts[1]) : nil
        )
    }

    /// `ATTRNAME = ALPHA *(nameChar)` (RFC 7643 §2.1), plus `$ref`.
    static func isAttributeName(_ name: Substring) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        if name == "$ref" { return true }
        guard ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "-" || scalar == "_"
        }
    }
}

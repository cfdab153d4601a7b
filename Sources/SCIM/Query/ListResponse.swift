/// A SCIM list response (RFC 7644 §3.4.2).
public struct ListResponse: Sendable, Hashable {
    /// Matches across all pages.
    public var totalResults: Int
    /// 1-based index of the first returned resource.
    public var startIndex: Int
    /// The resources of this page, already projected.
    public var resources: [JSONValue]

    public init(totalResults: Int, startIndex: Int, resources: [JSONValue]) {
        self.totalResults = totalResults
        self.startIndex = startIndex
        self.resources = resources
    }

    /// The number of resources on this page.
    public var itemsPerPage: Int { resources.count }

    /// The response body; `Resources` is always present (empty for no results).
    public var jsonBody: JSONValue {
        .object([
            "schemas": [.string(SchemaURN.listResponse)],
            "totalResults": .integer(Int64(totalResults)),
            "startIndex": .integer(Int64(startIndex)),
            "itemsPerPage": .integer(Int64(itemsPerPage)),
            "Resources": .array(resources),
        ])
    }
}

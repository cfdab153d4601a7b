import SCIM

/// A list/search request as the store runs it (RFC 7644 §3.4.2).
public struct ResourceQuery: Sendable {
    /// The filter, already checked against the schema by `FilterEvaluator.compile`.
    public var filter: Filter?
    /// The attribute to sort by (canonical names), nil for the stable default order (creation).
    public var sortBy: SortAttribute?
    /// Descending when false.
    public var ascending: Bool
    /// 1-based index of the first result (values below 1 mean 1).
    public var startIndex: Int
    /// At most this many results; 0 returns only the total.
    public var count: Int

    public init(filter: Filter? = nil, sortBy: SortAttribute? = nil, ascending: Bool = true, startIndex: Int = 1,
                count: Int = 100) {
        self.filter = filter
        self.sortBy = sortBy
        self.ascending = ascending
        self.startIndex = startIndex
        self.count = count
    }
}

/// A sort attribute, spelled as in the schema (the SCIM layer resolves client spelling).
public struct SortAttribute: Sendable, Hashable {
    /// An extension schema URN, or nil for the core schema and common attributes.
    public var schema: String?
    public var attribute: String
    public var subAttribute: String?
    /// True for multi-valued attributes (sorted by their first value).
    public var isMultiValued: Bool

    public init(schema: String? = nil, attribute: String, subAttribute: String? = nil, isMultiValued: Bool = false) {
        self.schema = schema
        self.attribute = attribute
        self.subAttribute = subAttribute
        self.isMultiValued = isMultiValued
    }
}

/// One page of results.
public struct QueryPage<Element: Sendable>: Sendable {
    /// All matches, not just this page.
    public var totalResults: Int
    /// The effective 1-based start index.
    public var startIndex: Int
    public var items: [Element]

    public init(totalResults: Int, startIndex: Int, items: [Element]) {
        self.totalResults = totalResults
        self.startIndex = startIndex
        self.items = items
    }
}

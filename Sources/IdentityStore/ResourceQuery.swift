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

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

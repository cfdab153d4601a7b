/// `startIndex` / `count` normalized as RFC 7644 §3.4.2.4 says: `startIndex` below 1 means 1,
/// a negative `count` means 0, and `count` is capped at the server's maximum.
public struct Pagination: Sendable, Hashable {
    /// 1-based.
    public var startIndex: Int
    public var count: Int

    public init(startIndex: Int?, count: Int?, defaultCount: Int = 100, maximumCount: Int = 1000) {
        self.startIndex = max(1, startIndex ?? 1)
        self.count = min(max(0, count ?? defaultCount), maximumCount)
    }

    /// The number of resources to skip.
    public var offset: Int { startIndex - 1 }
}

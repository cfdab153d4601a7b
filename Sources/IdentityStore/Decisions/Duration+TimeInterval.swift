import Foundation

extension Duration {
    /// The duration in seconds, for `Date` arithmetic (the decisions table's retention, the
    /// callout's decision budget).
    @inlinable public var timeInterval: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}

import Foundation

/// A wall clock tests move by hand (a store's or authorizer's `now`), so expiry and deadlines are
/// tested without waiting.
public final class ManualTime: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// A clock standing at `start` until the test moves it.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = start
    }

    /// The time the test last set.
    public var now: Date { lock.withLock { current } }

    /// Moves the clock forward (or back, for a negative value).
    public func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}

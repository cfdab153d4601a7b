import Synchronization

/// Counts the SCIM requests each bearer token has in progress and refuses one over the cap,
/// so one identity provider's burst (or a stuck client) cannot take every worker from another.
///
/// A token's slots are independent of every other token's; nothing is kept for a token with
/// no request in progress, so the table is as large as the number of busy tokens.
public final class TokenConcurrencyLimiter: Sendable {
    /// Seconds a refused client is asked to wait (`Retry-After` on every 429).
    public static let retryAfterSeconds = 1

    /// The most requests one token may have in progress.
    public let maxPerToken: Int
    private let inProgress = Mutex<[String: Int]>([:])

    /// - Parameter maxPerToken: at least 1.
    public init(maxPerToken: Int) {
        self.maxPerToken = max(1, maxPerToken)
    }

    /// Takes a slot for `token`; false (and nothing taken) when it already has ``maxPerToken``.
    public func acquire(_ token: String) -> Bool {
        inProgress.withLock { counts in
            let current = counts[token, default: 0]
            guard current < maxPerToken else { return false }
            counts[token] = current + 1
            return true
        }
    }

    /// Gives back a slot taken by ``acquire(_:)``.
    public func release(_ token: String) {
        inProgress.withLock { counts in
            guard let current = counts[token] else { return }
            counts[token] = current > 1 ? current - 1 : nil
        }
    }

    /// How many requests `token` has in progress.
    public func count(for token: String) -> Int {
        inProgress.withLock { $0[token, default: 0] }
    }
}

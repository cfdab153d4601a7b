import Foundation

/// What is known of one issuer's keys: the verification keys by `kid` and algorithm, and
/// whether they could be fetched.
public struct IssuerKeys: Sendable {
    /// Keys by `kid`, then algorithm.
    var keys: [String: [TokenAlgorithm: VerificationKey]] = [:]
    /// When the JWKS was last fetched successfully (nil: never: the issuer is unavailable).
    public var fetchedAt: Date?
    /// Why the last fetch failed, if it did.
    public var lastError: String?
    /// How many fetches ran (scheduled, on an unknown `kid`, at start), successful or not.
    public var fetchCount = 0
    /// The last JWKS response's `Cache-Control: max-age`, if it had one.
    public var maxAge: Duration?

    public init() {}

    /// Logins from this issuer can be verified: its keys were fetched at least once.
    public var isAvailable: Bool { fetchedAt != nil }

    /// The number of usable keys (one per `kid` and algorithm).
    public var keyCount: Int { keys.values.reduce(0) { $0 + $1.count } }

    /// The key for `kid` and `algorithm`, unless it is missing or was last seen more than
    /// `grace` before `now`.
    func key(_ kid: String, _ algorithm: TokenAlgorithm, now: Date, grace: Duration) -> VerificationKey? {
        guard let key = keys[kid]?[algorithm] else { return nil }
        return now.timeIntervalSince(key.lastSeen) <= grace.timeInterval ? key : nil
    }

    /// Takes a freshly fetched key set: its keys replace those of the same `kid`, and keys no
    /// longer published stay until `grace` after they were last seen.
    mutating func merge(_ fetched: [VerificationKey], at now: Date, grace: Duration) {
        var next: [String: [TokenAlgorithm: VerificationKey]] = [:]
        for key in fetched { next[key.keyID, default: [:]][key.algorithm] = key }
        for (kid, old) in keys where next[kid] == nil {
            let kept = old.filter { now.timeIntervalSince($0.value.lastSeen) <= grace.timeInterval }
            if !kept.isEmpty { next[kid] = kept }
        }
        keys = next
        fetchedAt = now
        lastError = nil
    }
}

extension Duration {
    /// Seconds, as `TimeInterval`.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

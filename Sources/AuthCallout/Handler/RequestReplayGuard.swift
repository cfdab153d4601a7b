import Synchronization

/// The authorization requests this service has decided, remembered until they expire, so a
/// captured request published again while still valid is refused instead of decided (and
/// recorded as an allow) a second time.
///
/// A request is known by its server, client connection id and the user nkey nats-server makes
/// fresh for every connect (``AuthorizationHandler/replayID(of:)``). Every request must carry `exp` (``DecisionMachine/Rules/maxRequestLifetime``
/// bounds it), so nothing is remembered for longer than that. Shared by all of a service's
/// connections: a replay may arrive on any of them.
public final class RequestReplayGuard: Sendable {
    private struct State {
        /// Request id → its `exp` (seconds since 1970).
        var seen: [String: Int64] = [:]
        /// The earliest `exp` among `seen`: nothing can be pruned before then.
        var nextExpiry = Int64.max
    }

    /// The most requests remembered at once; past it the oldest-expiring half is dropped early
    /// (a flood of distinct valid requests can only come from a server key we trust).
    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    /// Records the request `id` valid until `expires`; false when it was seen before and has not
    /// expired (a replay).
    /// - Parameter now: seconds since 1970, for pruning expired ids.
    public func admit(_ id: String, expires: Int64, now: Int64) -> Bool {
        state.withLock { state in
            if state.nextExpiry <= now { Self.prune(&state, now: now) }
            if let known = state.seen[id], known > now { return false }
            if state.seen.count >= capacity { Self.dropEarliest(&state, now: now) }
            state.seen[id] = expires
            state.nextExpiry = min(state.nextExpiry, expires)
            return true
        }
    }

    /// Requests remembered now (tests, metrics).
    public var count: Int { state.withLock { $0.seen.count } }

    private static func prune(_ state: inout State, now: Int64) {
        state.seen = state.seen.filter { $0.value > now }
        state.nextExpiry = state.seen.values.min() ?? .max
    }

    private static func dropEarliest(_ state: inout State, now: Int64) {
        prune(&state, now: now)
        guard state.seen.count > 1 else { return }
        let cut = state.seen.values.sorted()[state.seen.count / 2]
        state.seen = state.seen.filter { $0.value > cut }
        state.nextExpiry = state.seen.values.min() ?? .max
    }
}

/// The writer's half of the revocation bound (docs/high-availability.md, "Revocation bound"):
/// before a revoking SCIM write gets its 2xx, every live replica must have applied it, or
/// `maxStaleness` must have passed, after which no replica still holds a currency proof taken
/// before the write was stored.
///
/// Pure: replicas' applied reports (`<prefix>.applied.<replicaID>`), waits and clock ticks in;
/// releases out. A replica is *live* while its last report is at most `maxStaleness` old; one not
/// heard from for longer is presumed cut off from the stream (and so out of the callout queue
/// group) and is not waited for.
public struct RevocationBarrier: Sendable {
    /// Why a wait ended.
    public enum Outcome: Sendable, Equatable {
        /// Every live replica reported the sequence applied.
        case applied
        /// `maxStaleness` passed first; the named live replicas had not reported it.
        case deadlinePassed(lagging: [String])
    }

    /// A wait to release, with its outcome.
    public struct Release: Sendable, Equatable {
        public var waiter: UInt64
        public var outcome: Outcome
        public init(waiter: UInt64, outcome: Outcome) {
            self.waiter = waiter
            self.outcome = outcome
        }
    }

    private struct Report: Sendable {
        var sequence: UInt64
        var heardAt: ContinuousClock.Instant
    }

    private struct Wait: Sendable {
        var sequence: UInt64
        var deadline: ContinuousClock.Instant
    }

    /// How long a report keeps a replica live, and the longest a wait lasts.
    public let maxStaleness: Duration
    private var reports: [String: Report] = [:]
    private var waits: [UInt64: Wait] = [:]

    public init(maxStaleness: Duration) {
        precondition(maxStaleness > .zero, "maxStaleness must be positive")
        self.maxStaleness = maxStaleness
    }

    /// The replicas heard from within `maxStaleness` of `now`, sorted.
    public func liveReplicas(at now: ContinuousClock.Instant) -> [String] {
        reports.filter { now - $0.value.heardAt <= maxStaleness }.keys.sorted()
    }

    /// The live replicas that have not applied `sequence` at `now`, sorted.
    public func lagging(behind sequence: UInt64, at now: ContinuousClock.Instant) -> [String] {
        reports.filter { now - $0.value.heardAt <= maxStaleness && $0.value.sequence < sequence }.keys.sorted()
    }

    /// Waits in progress.
    public var waiting: Int { waits.count }

    /// Starts waiting until every live replica applied `sequence`; released at once when they
    /// already have.
    public mutating func wait(_ waiter: UInt64, forSequence sequence: UInt64,
                              now: ContinuousClock.Instant) -> Release? {
        waits[waiter] = Wait(sequence: sequence, deadline: now + maxStaleness)
        return release(now: now).first
    }

    /// Stops a wait without a release (the request went away).
    public mutating func cancel(_ waiter: UInt64) {
        waits[waiter] = nil
    }

    /// A replica reported (`{replica, sequence, at}`) that it applied up to `sequence`. Reports
    /// are heard at `now` on the writer's clock: replicas' clocks are not compared.
    public mutating func reported(replica: String, sequence: UInt64, now: ContinuousClock.Instant) -> [Release] {
        // Applied sequences only grow; a reordered older report must not lower one.
        let known = reports[replica]?.sequence ?? 0
        reports[replica] = Report(sequence: max(known, sequence), heardAt: now)
        return release(now: now)
    }

    /// Time passed: a replica may have fallen silent (no longer waited for) or a deadline passed.
    public mutating func tick(now: ContinuousClock.Instant) -> [Release] {
        // Forgotten after a while so a removed replica's entry does not stay for ever.
        reports = reports.filter { now - $0.value.heardAt <= maxStaleness * 8 }
        return release(now: now)
    }

    private mutating func release(now: ContinuousClock.Instant) -> [Release] {
        var released: [Release] = []
        for (waiter, wait) in waits.sorted(by: { $0.key < $1.key }) {
            let behind = lagging(behind: wait.sequence, at: now)
            if behind.isEmpty {
                released.append(Release(waiter: waiter, outcome: .applied))
            } else if now >= wait.deadline {
                released.append(Release(waiter: waiter, outcome: .deadlinePassed(lagging: behind)))
            } else {
                continue
            }
            waits[waiter] = nil
        }
        return released
    }
}

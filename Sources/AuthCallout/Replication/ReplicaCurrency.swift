/// Whether this replica may answer callouts: the fail-closed half of the revocation bound
/// (docs/high-availability.md, "Revocation bound").
///
/// A replica proves it is current with a probe sent at `t0` that the stream answers with a
/// sequence at least as high as every command stored before `t0` (the composition publishes a
/// no-op command and takes its acked sequence: an ack needs the stream's quorum); once it has
/// applied that sequence, it is current *as of `t0`*. It may answer only while
/// `now − t0 ≤ maxStaleness`. A writer that answers its IdP after waiting `maxStaleness` (or
/// after this replica reported the command applied) thus never races a replica answering from
/// the state before that command.
///
/// Pure: events in (probe sent, probe answered, sequence applied, clock tick), actions out
/// (join or leave the callout queue group). The shell (``ReplicaCurrencyMonitor``) sends the
/// probes, runs the clock and the subscription.
public struct ReplicaCurrency: Sendable {
    /// What the shell must do with the callout subscription.
    public enum Action: Sendable, Equatable {
        /// Became current: subscribe to the callout subject in the queue group again.
        case joinQueueGroup
        /// No longer current: unsubscribe, and deny (`replica_stale`) what is still held.
        case leaveQueueGroup
    }

    /// A probe whose answer said the stream held `lastSequence` when it was sent at `sentAt`.
    private struct Target: Sendable, Equatable {
        var sentAt: ContinuousClock.Instant
        var lastSequence: UInt64
    }

    /// How long a currency proof holds.
    public let maxStaleness: Duration
    /// The highest stream sequence applied to the local store.
    public private(set) var appliedSequence: UInt64
    /// The send time of the newest probe whose sequence is applied (nil: never current).
    public private(set) var currentAsOf: ContinuousClock.Instant?
    /// Whether the shell was told to be in the queue group.
    public private(set) var isInQueueGroup = false
    /// Probes sent and not answered yet, by id.
    private var outstanding: [UInt64: ContinuousClock.Instant] = [:]
    /// Answered probes whose sequence is not applied yet, oldest first.
    private var targets: [Target] = []

    /// - Parameters:
    ///   - maxStaleness: how long a currency proof holds (`replication.max_staleness`).
    ///   - appliedSequence: the sequence the store had applied at start (its position row).
    public init(maxStaleness: Duration, appliedSequence: UInt64 = 0) {
        precondition(maxStaleness > .zero, "maxStaleness must be positive")
        self.maxStaleness = maxStaleness
        self.appliedSequence = appliedSequence
    }

    /// How often the shell probes: four probes per bound, so one lost or slow probe does not
    /// make a healthy replica leave the queue group.
    public var probeInterval: Duration { maxStaleness / 4 }

    /// True if a callout may be answered at `now`.
    public func isCurrent(at now: ContinuousClock.Instant) -> Bool {
        guard let currentAsOf else { return false }
        return now - currentAsOf <= maxStaleness
    }

    /// How long ago the last proof was taken (nil: never current), for the lag metric.
    public func staleness(at now: ContinuousClock.Instant) -> Duration? {
        currentAsOf.map { now - $0 }
    }

    /// A probe with this `id` was sent at `sentAt`.
    public mutating func probeSent(id: UInt64, at sentAt: ContinuousClock.Instant) {
        outstanding[id] = sentAt
    }

    /// The probe `id` was answered: the stream's last sequence was `lastSequence`.
    public mutating func probeAnswered(id: UInt64, lastSequence: UInt64,
                                       now: ContinuousClock.Instant) -> Action? {
        guard let sentAt = outstanding.removeValue(forKey: id) else { return settle(now: now) }
        if lastSequence <= appliedSequence {
            prove(asOf: sentAt)
        } else {
            targets.removeAll { $0.lastSequence >= lastSequence && $0.sentAt <= sentAt }
            targets.append(Target(sentAt: sentAt, lastSequence: lastSequence))
            targets.sort { $0.sentAt < $1.sentAt }
        }
        return settle(now: now)
    }

    /// The probe `id` failed (timeout, no responders, JetStream error): it proves nothing.
    public mutating func probeFailed(id: UInt64, now: ContinuousClock.Instant) -> Action? {
        outstanding[id] = nil
        return settle(now: now)
    }

    /// The store applied the stream up to `sequence`.
    public mutating func applied(sequence: UInt64, now: ContinuousClock.Instant) -> Action? {
        appliedSequence = max(appliedSequence, sequence)
        // The newest target reached proves the most; the ones before it are subsumed.
        if let reached = targets.lastIndex(where: { $0.lastSequence <= appliedSequence }) {
            prove(asOf: targets[reached].sentAt)
            targets.removeFirst(reached + 1)
        }
        return settle(now: now)
    }

    /// Time passed: a proof may have expired.
    public mutating func tick(now: ContinuousClock.Instant) -> Action? {
        // A probe or target older than the bound could only prove an already expired currency.
        let bound = maxStaleness
        outstanding = outstanding.filter { now - $0.value <= bound }
        targets.removeAll { now - $0.sentAt > bound }
        return settle(now: now)
    }

    private mutating func prove(asOf sentAt: ContinuousClock.Instant) {
        if currentAsOf.map({ sentAt > $0 }) ?? true { currentAsOf = sentAt }
    }

    /// The action the change of currency asks for, if any.
    private mutating func settle(now: ContinuousClock.Instant) -> Action? {
        let current = isCurrent(at: now)
        guard current != isInQueueGroup else { return nil }
        isInQueueGroup = current
        return current ? .joinQueueGroup : .leaveQueueGroup
    }
}

import Logging
import Metrics
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Runs ``ReplicaCurrency`` for a replicated store: probes the stream every
/// ``ReplicaCurrency/probeInterval``, takes the applied sequence from the apply loop, and tells
/// the ``CalloutService`` when to leave and rejoin the callout queue group.
///
/// The probe is a closure (the composition publishes a no-op `probe` command and returns its
/// acked sequence), so this target needs no JetStream client; it must fail (time out) on its
/// own well within the probe interval.
/// Exports `scim_callout_replication_current` (0/1), `scim_callout_replication_applied_sequence`
/// and `scim_callout_replication_staleness_seconds` (age of the newest currency proof).
public final class ReplicaCurrencyMonitor: Service, Sendable {
    /// Asks the stream for its last sequence.
    public typealias Probe = @Sendable () async throws -> UInt64

    private struct State: Sendable {
        var currency: ReplicaCurrency
        var nextProbe: UInt64 = 0
        var nextListener: UInt64 = 0
        var listeners: [UInt64: AsyncStream<Bool>.Continuation] = [:]
    }

    private let state: NIOLockedValueBox<State>
    private let probe: Probe
    private let appliedSequences: (@Sendable () -> AsyncStream<UInt64>)?
    private let logger: Logger
    private let currentGauge: Gauge
    private let appliedGauge: Gauge
    private let stalenessGauge: Gauge

    /// - Parameters:
    ///   - maxStaleness: how long a currency proof holds (`replication.max_staleness`).
    ///   - appliedSequence: the store's applied position at start.
    ///   - probe: returns the stream's last sequence (throws when the stream cannot be reached).
    ///   - appliedSequences: the apply loop's positions, followed while running (nil: the owner
    ///     calls ``applied(sequence:)``).
    ///   - metricsFactory: where the replication gauges go.
    public init(maxStaleness: Duration, appliedSequence: UInt64 = 0, probe: @escaping Probe,
                appliedSequences: (@Sendable () -> AsyncStream<UInt64>)? = nil, logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.state = NIOLockedValueBox(State(currency: ReplicaCurrency(maxStaleness: maxStaleness,
                                                                       appliedSequence: appliedSequence)))
        self.probe = probe
        self.appliedSequences = appliedSequences
        self.logger = logger
        self.currentGauge = Gauge(label: "scim_callout_replication_current", factory: metricsFactory)
        self.appliedGauge = Gauge(label: "scim_callout_replication_applied_sequence", factory: metricsFactory)
        self.stalenessGauge = Gauge(label: "scim_callout_replication_staleness_seconds", factory: metricsFactory)
        currentGauge.record(0)
        appliedGauge.record(Int64(clamping: appliedSequence))
    }

    /// True while a callout may be answered (checked for every request, on the event loop).
    public var isCurrent: Bool {
        let now = ContinuousClock.now
        return state.withLockedValue { $0.currency.isCurrent(at: now) }
    }

    /// The apply loop committed the stream up to `sequence`.
    public func applied(sequence: UInt64) {
        appliedGauge.record(Int64(clamping: sequence))
        let now = ContinuousClock.now
        update { $0.applied(sequence: sequence, now: now) }
    }

    /// Whether to be in the queue group: the present answer at once, then every change, until
    /// the monitor stops.
    public func membership() -> AsyncStream<Bool> {
        let (stream, continuation) = AsyncStream.makeStream(of: Bool.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLockedValue { state in
            let id = state.nextListener
            state.nextListener += 1
            state.listeners[id] = continuation
            continuation.yield(state.currency.isInQueueGroup)
            return id
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLockedValue { $0.listeners[id] = nil }
        }
        return stream
    }

    public func run() async throws {
        let interval = state.withLockedValue { $0.currency.probeInterval }
        // Ticks between probes so the queue group is left soon after a proof expires (requests
        // are checked against the clock directly and need no tick).
        let tickInterval = min(interval, .milliseconds(100))
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                if let appliedSequences = self.appliedSequences {
                    group.addTask {
                        for await sequence in appliedSequences() { self.applied(sequence: sequence) }
                    }
                }
                var nextProbe = ContinuousClock.now
                while !Task.isCancelled {
                    let now = ContinuousClock.now
                    if now >= nextProbe {
                        nextProbe = now + interval
                        let id = self.state.withLockedValue { state in
                            state.nextProbe += 1
                            state.currency.probeSent(id: state.nextProbe, at: now)
                            return state.nextProbe
                        }
                        group.addTask { await self.runProbe(id) }
                    }
                    self.update { $0.tick(now: now) }
                    do { try await Task.sleep(for: tickInterval) } catch { break }
                }
            }
        }
        state.withLockedValue { state in
            for continuation in state.listeners.values { continuation.finish() }
            state.listeners = [:]
        }
    }

    private func runProbe(_ id: UInt64) async {
        do {
            let last = try await probe()
            let now = ContinuousClock.now
            update { $0.probeAnswered(id: id, lastSequence: last, now: now) }
        } catch {
            logger.debug("replication probe failed", metadata: ["error": "\(error)"])
            let now = ContinuousClock.now
            update { $0.probeFailed(id: id, now: now) }
        }
    }

    /// Feeds one event, records the gauges and hands a queue-group change to the listeners.
    private func update(_ event: (inout ReplicaCurrency) -> ReplicaCurrency.Action?) {
        let now = ContinuousClock.now
        let (action, staleness, applied) = state.withLockedValue { state in
            let action = event(&state.currency)
            if let action {
                let join = action == .joinQueueGroup
                for continuation in state.listeners.values { continuation.yield(join) }
            }
            return (action, state.currency.staleness(at: now), state.currency.appliedSequence)
        }
        stalenessGauge.record(staleness.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? -1)
        switch action {
        case .joinQueueGroup?:
            currentGauge.record(1)
            logger.notice("replica current: joining the callout queue group",
                          metadata: ["replication.applied_sequence": "\(applied)"])
        case .leaveQueueGroup?:
            currentGauge.record(0)
            logger.warning("replica not current: leaving the callout queue group, denying held requests as replica_stale",
                           metadata: ["replication.applied_sequence": "\(applied)"])
        case nil:
            break
        }
    }
}

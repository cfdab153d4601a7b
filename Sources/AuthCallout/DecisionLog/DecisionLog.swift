import Foundation
import IdentityStore
import Logging
import Metrics
import NIOConcurrencyHelpers

/// Writes each decision as one structured log line and counts it; hands records to a sink (the
/// table) and a feed (the NATS subject) in batches off the decision path.
///
/// `record(_:)` never blocks or suspends: records go into a bounded buffer that `run()` drains
/// (when the buffer is full the oldest records are dropped from the table feed, never from the
/// log line, and a counter says so; a record the sink refuses is counted there too).
public final class DecisionLog: Sendable {
    private let logger: Logger
    private let sink: (any DecisionSink)?
    private let feed: (any DecisionFeed)?
    /// Records waiting for the sink; `wakeups` tells `run()` there is something to take.
    private let pending: NIOLockedValueBox<[DecisionRecord]>
    private let bufferSize: Int
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let latency: Timer
    private let dropped: Counter
    /// `scim_callout_decisions_total` per (result, reason), made on first use: one lookup per
    /// record instead of a new `Counter` (and a factory call) each time.
    private let decisions: NIOLockedValueBox<[Int: Counter]>
    private let factory: any MetricsFactory
    /// Largest batch written to the sink at once.
    public let batchSize: Int
    /// How long `run()` lets records gather before writing a batch smaller than `batchSize`:
    /// one table transaction (and WAL write) per interval instead of one per decision or two.
    public let flushInterval: Duration
    private let clock: any Clock<Duration>
    /// `finish()` cuts a flush wait short: shutdown never waits out `flushInterval`.
    private let flushWait = NIOLockedValueBox<(finished: Bool, sleeper: Task<Void, Never>?)>((false, nil))

    /// - Parameters:
    ///   - logger: receives one `info` line per decision, its ``DecisionLogFields`` (`decision.*`,
    ///     `user.*`, `client.*`, `server.*`, `jwt.*`) under ``metadataKey``.
    ///   - sink: the table writer; nil keeps only the log.
    ///   - feed: also gets every batch, before the table does (it must not throw or wait long);
    ///     nil publishes nothing.
    ///   - bufferSize: records waiting for the sink before the oldest are dropped.
    ///   - batchSize: most records per sink write.
    ///   - flushInterval: how long records may wait to join a batch (`.zero`: write at once).
    ///   - clock: what `flushInterval` is measured with (inject a test clock).
    ///   - metricsFactory: where counters and the latency timer go.
    public init(
        logger: Logger,
        sink: (any DecisionSink)? = nil,
        feed: (any DecisionFeed)? = nil,
        bufferSize: Int = 10_000,
        batchSize: Int = 256,
        flushInterval: Duration = .milliseconds(100),
        clock: any Clock<Duration> = ContinuousClock(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.logger = logger
        self.sink = sink
        self.feed = feed
        self.batchSize = max(1, batchSize)
        self.flushInterval = flushInterval
        self.clock = clock
        self.bufferSize = max(1, bufferSize)
        self.pending = NIOLockedValueBox([])
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.factory = metricsFactory
        self.latency = Timer(label: "scim_callout_decision_latency", dimensions: [], factory: metricsFactory)
        self.dropped = Counter(label: "scim_callout_decision_records_dropped_total", dimensions: [], factory: metricsFactory)
        self.decisions = NIOLockedValueBox([:])
    }

    /// Logs, counts and queues `record` for the sink.
    public func record(_ record: DecisionRecord) {
        logger.info("decision", metadata: [Self.metadataKey: .stringConvertible(DecisionLogFields(record))])
        decisionCounter(result: record.result, reason: record.reason).increment()
        if record.result != .revoke { latency.recordMicroseconds(record.latencyMicroseconds) }
        if record.authMethod == .oidc {
            // Per issuer; only configured issuers are named (an unknown `iss` is the client's text).
            Counter(label: "scim_callout_oidc_logins_total",
                    dimensions: [("issuer", record.tokenIssuer ?? "none"), ("result", record.result.rawValue),
                                 ("reason", record.reason.rawValue)], factory: factory).increment()
        }
        guard sink != nil || feed != nil else { return }
        let (wasEmpty, overflow) = pending.withLockedValue { queue -> (Bool, Bool) in
            let wasEmpty = queue.isEmpty
            queue.append(record)
            guard queue.count > bufferSize else { return (wasEmpty, false) }
            queue.removeFirst(queue.count - bufferSize)
            return (wasEmpty, true)
        }
        if overflow { dropped.increment() }
        // Only the record that finds the queue empty wakes `run()`: it drains until the queue is
        // empty again, so records that join a non-empty queue are written with it.
        if wasEmpty { wakeup.yield() }
    }

    /// `allCases` builds a new array on every call; these are built once.
    private static let resultCases = DecisionRecord.Result.allCases
    private static let reasonCases = DecisionReason.allCases

    private func decisionCounter(result: DecisionRecord.Result, reason: DecisionReason) -> Counter {
        let key = (Self.resultCases.firstIndex(of: result) ?? 0) << 8 | (Self.reasonCases.firstIndex(of: reason) ?? 0)
        return decisions.withLockedValue { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "scim_callout_decisions_total",
                                  dimensions: [("result", result.rawValue), ("reason", reason.rawValue)], factory: factory)
            counters[key] = counter
            return counter
        }
    }

    /// Drains queued records into the sink, in batches, until `finish()` is called (then writes
    /// what is left and returns) or the task is cancelled. A record reaches the sink at most
    /// `flushInterval` after it was recorded (at once when a full batch is already waiting).
    public func run() async {
        guard sink != nil || feed != nil else { return }
        for await _ in wakeups {
            if flushInterval > .zero, pending.withLockedValue({ $0.count }) < batchSize {
                let clock = self.clock, interval = flushInterval
                let sleeper = Task<Void, Never> { _ = try? await clock.sleep(for: interval) }
                let finished = flushWait.withLockedValue { state -> Bool in
                    state.sleeper = sleeper
                    return state.finished
                }
                if finished { sleeper.cancel() }
                await withTaskCancellationHandler { await sleeper.value } onCancel: { sleeper.cancel() }
            }
            await drain()
        }
        await drain()
    }

    /// Stops `run()` after it has written the queued records.
    public func finish() {
        let sleeper = flushWait.withLockedValue { state -> Task<Void, Never>? in
            state.finished = true
            return state.sleeper
        }
        sleeper?.cancel()
        wakeup.finish()
    }

    private func drain() async {
        while true {
            let batch = pending.withLockedValue { queue -> [DecisionRecord] in
                let batch = Array(queue.prefix(batchSize))
                queue.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { return }
            // The feed first: a publish is queued in memory, a table write waits for the disk.
            await feed?.publish(batch)
            guard let sink else { continue }
            do {
                try await sink.append(batch)
            } catch {
                await append(oneByOne: batch, after: error, into: sink)
            }
        }
    }

    /// Retries a batch the sink refused a record at a time, so a record the table cannot take
    /// (a value SQLite refuses to bind) costs only itself, not the other records of its batch.
    /// What still fails is counted as dropped and logged by decision id (each record's own log
    /// line was written when it was recorded).
    private func append(oneByOne batch: [DecisionRecord], after batchError: any Error, into sink: any DecisionSink) async {
        var failed: [String] = []
        var lastError = batchError
        if batch.count == 1 {
            failed = batch.map(\.id)
        } else {
            for record in batch {
                do {
                    try await sink.append([record])
                } catch {
                    failed.append(record.id)
                    lastError = error
                }
            }
        }
        guard !failed.isEmpty else { return }
        dropped.increment(by: failed.count)
        logger.warning("could not store decision records", metadata: [
            "error": "\(lastError)", "decision.count": "\(failed.count)",
            // Enough to find them in the log; a failing disk would otherwise repeat hundreds.
            "decision.ids": .string(failed.prefix(16).joined(separator: ",")),
        ])
    }

    /// The metadata key a decision's ``DecisionLogFields`` are logged under (a structured
    /// handler writes the fields in its place; others print them as one JSON object).
    public static let metadataKey = "decision"

    /// The log fields of a record as ordinary metadata (dot-separated keys; absent values left out).
    public static func metadata(for record: DecisionRecord) -> Logger.Metadata {
        DecisionLogFields(record).metadata
    }
}

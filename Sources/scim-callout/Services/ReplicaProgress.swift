import Foundation
import IdentityStore
import Logging
import NATSClient
import ServiceLifecycle
import Synchronization

/// Replication: publishes this replica's applied position on `<prefix>.applied.<replicaID>`
/// (after applies, coalesced, and every second) and hears every other replica's, so a revoking
/// write can wait on the ``RevocationBarrier`` before its 2xx (docs/high-availability.md,
/// "Revocation bound").
final class ReplicaProgress: Service, Sendable {
    private struct State: Sendable {
        var barrier: RevocationBarrier
        var waiters: [UInt64: CheckedContinuation<RevocationBarrier.Outcome, Never>] = [:]
        var nextWaiter: UInt64 = 0
        var applied: UInt64 = 0
        var stopped = false
    }

    private let connection: NATSConnection
    private let replicaID: String
    private let subjectPrefix: String
    private let appliedSequences: @Sendable () -> AsyncStream<UInt64>
    private let heartbeat: Duration
    private let logger: Logger
    private let state: Mutex<State>

    /// - Parameters:
    ///   - connection: replication's NATS connection.
    ///   - appliedSequences: the apply loop's positions (the current one first).
    ///   - maxStaleness: `replication.max_staleness`.
    init(connection: NATSConnection, replicaID: String, subjectPrefix: String, maxStaleness: Duration,
         heartbeat: Duration = .seconds(1), appliedSequences: @escaping @Sendable () -> AsyncStream<UInt64>, logger: Logger) {
        self.connection = connection
        self.replicaID = replicaID
        self.subjectPrefix = subjectPrefix
        self.heartbeat = heartbeat
        self.appliedSequences = appliedSequences
        self.logger = logger
        self.state = Mutex(State(barrier: RevocationBarrier(maxStaleness: maxStaleness)))
    }

    /// Waits until every other replica heard from within `max_staleness` applied `sequence`,
    /// or `max_staleness` passed; logs who lagged in the second case.
    /// - Returns: whether every live replica reported it, or the deadline passed first.
    @discardableResult
    func waitForReplicas(toApply sequence: UInt64) async -> RevocationBarrier.Outcome {
        let started = ContinuousClock.now
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<RevocationBarrier.Outcome, Never>) in
            let release = state.withLock { state -> RevocationBarrier.Release? in
                if state.stopped { return RevocationBarrier.Release(waiter: 0, outcome: .deadlinePassed(lagging: [])) }
                state.nextWaiter += 1
                let waiter = state.nextWaiter
                guard let release = state.barrier.wait(waiter, forSequence: sequence, now: started) else {
                    state.waiters[waiter] = continuation
                    return nil
                }
                return release
            }
            if let release { continuation.resume(returning: release.outcome) }
        }
        if case let .deadlinePassed(lagging) = outcome, !lagging.isEmpty {
            logger.warning("revocation answered after max_staleness: replicas had not reported it applied", metadata: [
                "replication.sequence": "\(sequence)", "replication.lagging": "\(lagging.joined(separator: ","))",
                "replication.waited": "\(ContinuousClock.now - started)",
            ])
        }
        return outcome
    }

    /// The other replicas heard from within `max_staleness`, sorted.
    var liveReplicas: [String] {
        let now = ContinuousClock.now
        return state.withLock { $0.barrier.liveReplicas(at: now) }
    }

    func run() async throws {
        let ownSubject = AppliedReport.subject(prefix: subjectPrefix, replicaID: replicaID)
        let subscription = try await connection.subscribe(to: "\(subjectPrefix).applied.*") { message, _ in
            guard let report = try? AppliedReport.decode(Array(message.payload.readableBytesView)),
                  report.replica != self.replicaID else { return }
            let now = ContinuousClock.now
            self.release(self.state.withLock {
                $0.barrier.reported(replica: report.replica, sequence: report.sequence, now: now)
            })
        }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await sequence in self.appliedSequences() {
                        self.state.withLock { $0.applied = max($0.applied, sequence) }
                        await self.publish(to: ownSubject)
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        do { try await Task.sleep(for: self.heartbeat) } catch { return }
                        await self.publish(to: ownSubject)
                    }
                }
                group.addTask {
                    // Deadlines and replicas falling silent release waits without a report.
                    while !Task.isCancelled {
                        do { try await Task.sleep(for: .milliseconds(50)) } catch { return }
                        let now = ContinuousClock.now
                        self.release(self.state.withLock { $0.barrier.tick(now: now) })
                    }
                }
            }
        }
        try? await subscription.unsubscribe()
        // Shutting down: nothing will report any more; a waiting write answers now.
        let waiting = state.withLock { state in
            state.stopped = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for continuation in waiting { continuation.resume(returning: .deadlinePassed(lagging: [])) }
    }

    private func publish(to subject: String) async {
        let sequence = state.withLock { $0.applied }
        do {
            let report = AppliedReport(replica: replicaID, sequence: sequence, at: Date())
            try await connection.publish(report.encoded(), to: subject)
        } catch {
            logger.debug("applied report not published", metadata: ["error": "\(error)"])
        }
    }

    private func release(_ releases: [RevocationBarrier.Release]) {
        for release in releases {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: release.waiter) }
            continuation?.resume(returning: release.outcome)
        }
    }
}

import Foundation
import JetStream
import Logging
import Synchronization

/// The identity store of a replica in a cluster: SCIM writes go through a JetStream stream,
/// every replica (the writer too) applies the stream in order into its own
/// ``IdentityDatabase``, and reads stay local (docs/high-availability.md, "Replicated writes").
///
/// A write publishes a ``ReplicationCommand`` (acked, `Nats-Msg-Id` = command id) and returns
/// the outcome of this replica's own apply of it, so conflicts are decided in stream order
/// for the whole cluster, exactly as one SQLite store decides them in commit order.
///
/// Run ``run()`` (the apply loop) for as long as the store is used; ``health`` says whether
/// it applies, ``appliedSequences()`` reports each applied stream position.
public final class ReplicatedIdentityStore: Sendable {
    struct State {
        var waiters: [String: ApplyWaiter] = [:]
        var health = ReplicationHealth.starting
        var appliedSequence: UInt64 = 0
        var observers: [UUID: AsyncStream<UInt64>.Continuation] = [:]
        var revocationWait: RevocationWait?
    }

    /// Awaited after this replica applied a revoking write (up to the given sequence) and before
    /// the write returns: the revocation barrier (docs/high-availability.md, "Revocation bound").
    public typealias RevocationWait = @Sendable (_ appliedSequence: UInt64) async -> Void

    /// The local materialized view: reads, SCIM tokens, and where commands are applied.
    public let database: IdentityDatabase
    /// The `replication.*` settings.
    public let settings: ReplicationSettings
    let js: JetStreamContext
    let logger: Logger
    let now: @Sendable () -> Date
    let state = Mutex(State())

    /// - Parameters:
    ///   - database: this replica's own SQLite store.
    ///   - jetStream: replication's own NATS connection (the service's `nats.*` settings).
    ///   - settings: replica id, stream, subjects, apply timeout.
    ///   - logger: apply-loop events (never a command's content).
    ///   - now: the clock commands are stamped with.
    public init(
        database: IdentityDatabase, jetStream: JetStreamContext, settings: ReplicationSettings, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.js = jetStream
        self.settings = settings
        self.logger = logger
        self.now = now
    }

    deinit {
        for observer in state.withLock({ $0.observers.values }) { observer.finish() }
    }

    /// Whether the store applies the stream (false: writes answer 503, readiness is false).
    public var health: ReplicationHealth { state.withLock { $0.health } }

    /// The last stream sequence this replica applied, as the apply loop last reported it.
    public var appliedSequence: UInt64 { state.withLock { $0.appliedSequence } }

    /// Every stream position this replica applies from now on, newest only when the reader is
    /// slow (the latest value is what matters: a position covers all before it). Starts with
    /// the current position; finishes when the store goes away.
    public func appliedSequences() -> AsyncStream<UInt64> {
        let (stream, continuation) = AsyncStream.makeStream(of: UInt64.self, bufferingPolicy: .bufferingNewest(1))
        let key = UUID()
        let current = state.withLock { state in
            state.observers[key] = continuation
            return state.appliedSequence
        }
        continuation.yield(current)
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.observers.removeValue(forKey: key) }
        }
        return stream
    }

    /// Creates the stream (file storage, `replicas`, one subject) or brings an existing one's
    /// subjects and replica count in line with the settings. Replicas started together race to
    /// create it; the one that loses waits, up to `limit`, for the new stream to answer.
    public func prepareStream(within limit: Duration = .seconds(30)) async throws {
        var config = StreamConfig(name: settings.stream, subjects: [settings.commandSubject])
        config.storage = .file
        config.replicas = settings.replicas
        let (existing, created) = try await js.streamInfo(settings.stream, creatingWith: config, within: limit)
        if created {
            logger.info("replication stream created", metadata: [
                "replication.stream": .string(settings.stream), "replication.replicas": .stringConvertible(settings.replicas),
            ])
            return
        }
        guard existing.config.subjects != config.subjects || existing.config.replicas != config.replicas else { return }
        var updated = existing.config
        updated.subjects = config.subjects
        updated.replicas = config.replicas
        _ = try await js.updateStream(updated)
        logger.info("replication stream updated", metadata: [
            "replication.stream": .string(settings.stream), "replication.replicas": .stringConvertible(settings.replicas),
        ])
    }

    /// Sets what a revoking write awaits before it returns (see ``RevocationWait``).
    public func setRevocationWait(_ wait: @escaping RevocationWait) {
        state.withLock { $0.revocationWait = wait }
    }

    func setHealth(_ health: ReplicationHealth) {
        state.withLock { $0.health = health }
    }
}

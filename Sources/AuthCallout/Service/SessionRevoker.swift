import Foundation
import IdentityStore
import Logging
import NIOConcurrencyHelpers
import Policy
import ServiceLifecycle

/// Cuts live sessions when SCIM changes the state they were decided on.
///
/// Watches the change feed: at once after each change this process commits, and every
/// `interval` (with the injected clock) for changes other processes commit. For a changed user: if it was
/// deleted or deactivated, or if its password, nkeys or groups changed since this replica allowed
/// it, every connection named after it is found with CONNZ (on every server) and kicked, along
/// with the sessions the registry holds; clients reconnect and are decided on the new state. If
/// only an access token was revoked, just the sessions that logged in with it are kicked. A
/// group change re-checks the users this replica saw in that group. Each cut is a `revoke`
/// record in the decision log and, with a `recorder`, a durable `sessions_cut` history entry
/// (also for a deactivation or deletion that found nothing live, so the revocation provably ran).
///
/// With replication, every replica applies every change, but only the one that accepted the
/// write (`origin` == `replicaID`) cuts: CONNZ already reaches every server, so the sessions are
/// cut once cluster-wide. It cuts after `settle` (every live replica applied the change, or
/// `replication.max_staleness` passed), so a kicked client that reconnects at once is decided
/// on the new state by whichever replica answers.
public final class SessionRevoker: Service, Sendable {
    /// Waits until the other replicas have applied what this one has (see the type's doc).
    public typealias Settle = @Sendable () async -> Void

    let identities: any IdentityReading
    let feed: any IdentityChangeFeed
    let registry: SessionRegistry
    let control: ServerControl
    let policy: PolicyStore
    let decisionLog: DecisionLog
    let recorder: (any RevocationRecording)?
    /// Policy account name → account public key (operator mode, ``CalloutKeys/accountKeys``).
    let accountKeys: [String: String]
    let replicaID: String?
    let settle: Settle?
    let interval: Duration
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let logger: Logger
    private let lastPrune = NIOLockedValueBox<Date?>(nil)

    /// - Parameters:
    ///   - replicaID: with replication, this replica's id: changes from other origins are not cut here.
    ///   - settle: with replication, awaited before cutting (see the type's doc).
    public init(identities: any IdentityReading, feed: any IdentityChangeFeed, registry: SessionRegistry, control: ServerControl,
                policy: PolicyStore, decisionLog: DecisionLog, recorder: (any RevocationRecording)? = nil, accountKeys: [String: String] = [:],
                replicaID: String? = nil, settle: Settle? = nil, interval: Duration = .milliseconds(200),
                clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() }, logger: Logger) {
        self.identities = identities
        self.feed = feed
        self.registry = registry
        self.control = control
        self.policy = policy
        self.decisionLog = decisionLog
        self.recorder = recorder
        self.accountKeys = accountKeys
        self.replicaID = replicaID
        self.settle = settle
        self.interval = interval
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        var cursor = try await feed.latestChangeSequence()
        let commits = try await feed.changeCommits()
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await _ in commits { self.wake() }
            }
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                await nextPass()
                guard !Task.isCancelled else { break }
                do {
                    cursor = try await processChanges(after: cursor)
                } catch {
                    logger.warning("session revocation pass failed", metadata: ["error": "\(error)"])
                }
            }
            group.cancelAll()
        }
    }

    /// Whether a commit came since the last pass began, and the wait for the next one.
    private let passWait = NIOLockedValueBox<(commitPending: Bool, sleeper: Task<Void, Never>?)>((false, nil))

    /// Starts the next pass now: a change was committed in this process.
    func wake() {
        let sleeper = passWait.withLockedValue { state -> Task<Void, Never>? in
            state.commitPending = true
            return state.sleeper
        }
        sleeper?.cancel()
    }

    /// Returns after `interval`, or sooner when a change is committed (at once if one came
    /// during the last pass): the interval still catches what other processes commit.
    private func nextPass() async {
        let clock = self.clock, interval = self.interval
        let sleeper = Task<Void, Never> { _ = try? await clock.sleep(for: interval) }
        let pending = passWait.withLockedValue { state -> Bool in
            guard !state.commitPending else { return true }
            state.sleeper = sleeper
            return false
        }
        if pending { sleeper.cancel() }
        await withTaskCancellationHandler { await sleeper.value } onCancel: { sleeper.cancel() }
        // What was committed before this point is read by the pass that follows.
        passWait.withLockedValue { $0 = (false, nil) }
    }

    /// Handles the changes after `cursor`; returns the new cursor.
    public func processChanges(after cursor: Int64) async throws -> Int64 {
        let current = now()
        let due = lastPrune.withLockedValue { last -> Bool in
            guard last.map({ current.timeIntervalSince($0) >= 5 }) ?? true else { return false }
            last = current
            return true
        }
        // Pruning walks every tracked session: every few seconds is enough (expired JWTs are
        // already disconnected by the server; the entries only take memory until then).
        if due { registry.prune(now: current) }
        var cursor = cursor
        while true {
            let changes = try await feed.identityChanges(after: cursor, limit: 500)
            guard let last = changes.last else { return cursor }
            var users: [String] = []
            for change in changes where isOurs(change) {
                switch change.kind {
                case .user: users.append(change.resourceID)
                case .group: users.append(contentsOf: registry.users(inGroup: change.resourceID))
                }
            }
            if !users.isEmpty, let settle { await settle() }
            var seen = Set<String>()
            try await checkTogether(users.filter { seen.insert($0).inserted })
            cursor = last.sequence
        }
    }

    /// Users checked at the same time. Each check that finds something to cut waits out CONNZ's
    /// gather window (250 ms): one after another, deprovisioning 100 users would cut the last
    /// one's sessions 25 s late.
    static let concurrentChecks = 16

    /// Checks `users`, up to ``concurrentChecks`` at once. A failed check does not stop the
    /// others (a kick in flight is not abandoned); the first error is thrown once all have ended,
    /// and the pass is retried from the same cursor.
    private func checkTogether(_ users: [String]) async throws {
        let failure: (any Error)? = await withTaskGroup(of: (any Error)?.self) { group in
            var waiting = users.makeIterator()
            func start(_ user: String) {
                group.addTask {
                    do { try await self.check(userID: user); return nil } catch { return error }
                }
            }
            for _ in 0 ..< Self.concurrentChecks {
                guard let user = waiting.next() else { break }
                start(user)
            }
            var first: (any Error)?
            while let ended = await group.next() {
                first = first ?? ended
                if let user = waiting.next() { start(user) }
            }
            return first
        }
        if let failure { throw failure }
    }

    /// Whether this replica cuts for `change`: a local change, or one it accepted itself.
    func isOurs(_ change: IdentityChange) -> Bool {
        guard let origin = change.origin, let replicaID else { return true }
        return origin == replicaID
    }

    private func check(userID: String) async throws {
        let tracked = registry.user(userID)
        let current = try identities.identity(for: .id(userID), asOf: nil)
        let reason: String
        if current == nil {
            reason = "user deleted"
        } else if let current, !current.active {
            reason = "user deactivated"
        } else if let current, let tracked, IdentityFingerprint(current) != tracked.fingerprint {
            reason = "credentials or groups changed"
        } else if let tracked {
            try await cutRevokedTokenSessions(of: tracked, userID: userID)
            return
        } else {
            return
        }
        let started = now()
        var targets = Set<ServerControl.Connection>()
        for session in tracked?.sessions ?? [] {
            targets.insert(.init(serverID: session.serverID, clientID: session.clientID, account: session.account))
        }
        let names = Set([tracked?.userName, current?.userName].compactMap { $0 })
        // Every live connection of the user on every server, not only those in the registry (which
        // is capped, and does not know what other replicas allowed). For a credential or group
        // change this may also cut a session decided on the new state in the last moments; it
        // reconnects and is decided again. Only connections in accounts we sign for: by name in
        // config mode, by key in operator mode.
        let accountNames = policy.current.accountNames
        let accounts = accountNames.union(accountNames.compactMap { accountKeys[$0] })
        for name in names {
            for connection in try await control.connections(userName: name)
            where connection.account.map(accounts.contains) ?? true {
                targets.insert(.init(serverID: connection.serverID, clientID: connection.clientID, account: nil))
            }
        }
        registry.remove(userID)
        let userName = names.sorted().first
        let count = await cut(targets, userID: userID, userName: userName, reason: reason, started: started)
        if count > 0 || current?.active != true {
            await record(count, userID: userID, userName: userName, reason: reason)
        }
    }

    /// The user's state is unchanged, but a token one of its sessions logged in with may have been
    /// revoked (or may have expired): cut just those sessions.
    private func cutRevokedTokenSessions(of tracked: SessionRegistry.TrackedUser, userID: String) async throws {
        let started = now()
        var revoked = Set<[UInt8]>()
        for hash in Set(tracked.sessions.compactMap(\.accessTokenHash)) {
            if try identities.identity(for: .accessTokenHash(hash), asOf: nil)?.id != userID { revoked.insert(hash) }
        }
        guard !revoked.isEmpty else { return }
        let sessions = tracked.sessions.filter { $0.accessTokenHash.map(revoked.contains) ?? false }
        registry.remove(userID) { $0.accessTokenHash.map(revoked.contains) ?? false }
        let targets = Set(sessions.map { ServerControl.Connection(serverID: $0.serverID, clientID: $0.clientID, account: $0.account) })
        let count = await cut(targets, userID: userID, userName: tracked.userName, reason: "access token revoked",
                              started: started)
        if count > 0 { await record(count, userID: userID, userName: tracked.userName, reason: "access token revoked") }
    }

    /// Records a revocation durably; a failure is logged, not retried (the decision log has it too).
    private func record(_ count: Int, userID: String, userName: String?, reason: String) async {
        guard let recorder else { return }
        do {
            try await recorder.recordSessionsCut(userID: userID, userName: userName ?? userID, count: count,
                                                 reason: reason, at: now())
        } catch {
            logger.warning("could not record a revocation in identity history",
                           metadata: ["scim.id": .string(userID), "error": "\(error)"])
        }
    }

    /// Kicks `targets`, records how many were cut in the decision log, and returns that number.
    @discardableResult
    private func cut(_ targets: Set<ServerControl.Connection>, userID: String, userName: String?, reason: String,
                     started: Date) async -> Int {
        // The same connection may come from the registry (with account) and CONNZ (without).
        var byConnection: [String: ServerControl.Connection] = [:]
        for target in targets { byConnection["\(target.serverID)/\(target.clientID)"] = target }
        guard !byConnection.isEmpty else { return 0 }
        var cut = 0
        for target in byConnection.values {
            if (try? await control.kick(serverID: target.serverID, clientID: target.clientID)) == true { cut += 1 }
        }
        let elapsed = now().timeIntervalSince(started)
        decisionLog.record(DecisionRecord(
            time: started, result: .revoke, reason: .sessionsCut, userName: userName, userID: userID,
            latencyMicroseconds: Int64(elapsed * 1_000_000), sessionsCut: cut, detail: reason))
        return cut
    }
}

extension Policy {
    /// Every account a binding can name.
    var accountNames: Set<String> {
        var names: Set<String> = [defaultAccount]
        for binding in bindings { if let account = binding.account { names.insert(account) } }
        if let account = defaultBinding?.account { names.insert(account) }
        return names
    }
}

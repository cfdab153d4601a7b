import AuthCallout
import Foundation
import IdentityStore
import Logging
import NATSClient
import NIOConcurrencyHelpers
import Testing
import TestSupport

/// Replication's fail-closed rule and cut-once rule against a real nats-server, with the stream
/// played by the test: the probe answers what the test says, or fails like a lost stream.
@Suite("Replica fail closed and cut once", .serialized, .timeLimit(.minutes(3)))
struct ReplicaFailClosedTests {
    /// The stream as a probe sees it: a last sequence, or unreachable.
    final class FakeStream: Sendable {
        private let state = NIOLockedValueBox<(last: UInt64?, probes: Int)>((0, 0))
        func set(lastSequence: UInt64?) { state.withLockedValue { $0.last = lastSequence } }
        var probes: Int { state.withLockedValue { $0.probes } }
        struct Unreachable: Error {}
        @Sendable func probe() async throws -> UInt64 {
            let last = state.withLockedValue { state -> UInt64? in
                state.probes += 1
                return state.last
            }
            guard let last else { throw Unreachable() }
            return last
        }
    }

    /// The store's change feed as a replica sees it with replication: every change stamped with
    /// the replica that accepted it; remembers how far the revoker has read.
    final class OriginFeed: IdentityChangeFeed {
        let base: any IdentityChangeFeed
        let origin: String
        private let read = NIOLockedValueBox<Int64>(0)
        init(_ base: any IdentityChangeFeed, origin: String) {
            self.base = base
            self.origin = origin
        }
        var readUpTo: Int64 { read.withLockedValue { $0 } }
        func latestChangeSequence() async throws -> Int64 { try await base.latestChangeSequence() }
        func changeCommits() async throws -> AsyncStream<Void> { try await base.changeCommits() }
        func identityChanges(after sequence: Int64, limit: Int) async throws -> [IdentityChange] {
            let changes = try await base.identityChanges(after: sequence, limit: limit).map { change in
                var change = change
                change.origin = origin
                return change
            }
            read.withLockedValue { $0 = max($0, changes.last?.sequence ?? sequence) }
            return changes
        }
    }

    /// A replica cut off from the stream leaves the queue group within max staleness: a connect
    /// then is not allowed by it (nobody answers, the server denies by timeout); once the stream
    /// answers again and the replica has applied it, it rejoins and allows.
    @Test func cutOffReplicaStopsAllowingAndRejoins() async throws {
        let server = try await CalloutServer.start(authTimeoutSeconds: nil)
        let directory = try makeDirectory()
        try await directory.addUser("alice", password: "alice-pw", groups: ["developers"])
        let policy = try PolicyStore.parsing(CalloutEndToEndTests.policyYAML)
        let stream = FakeStream()
        stream.set(lastSequence: 3)
        let monitor = ReplicaCurrencyMonitor(maxStaleness: .milliseconds(400), appliedSequence: 3,
                                             probe: stream.probe, logger: RunningCallout.logger)
        let monitorTask = Task { try? await monitor.run() }
        var callout: RunningCallout?
        do {
            try await pollUntil("replica current") { monitor.isCurrent }
            let running = try await RunningCallout.start(url: server.server.url, serviceUser: server.serviceUser, keys: server.keys,
                                                         authorizer: Authorizer(identities: directory, policy: policy),
                                                         currency: monitor)
            callout = running
            let url = server.server.url
            // nats-server keeps its 2 s authorization timeout here (the denials below rely on it),
            // so on a loaded host a connect may time out: what matters is that one is allowed.
            func allowedEventually(_ what: String) async throws {
                try await pollUntil(what, timeout: .seconds(30)) {
                    try await PythonClient.run(url, ["user": "alice", "password": "alice-pw"]).connected
                }
            }
            try await allowedEventually("alice allowed while the replica is current")

            // The stream is gone: within max staleness (+ a tick) the replica leaves.
            stream.set(lastSequence: nil)
            let cutAt = ContinuousClock.now
            try await pollUntil("replica out of the queue group", timeout: .seconds(5)) { !running.service.isSubscribed }
            #expect(ContinuousClock.now - cutAt < .milliseconds(400 + 500), "left within max staleness plus a probe interval")
            #expect(!monitor.isCurrent)
            let denied = try await PythonClient.run(url, ["user": "alice", "password": "alice-pw"])
            #expect(!denied.connected, "a replica that cannot prove currency never allows")
            #expect(!running.sink.records.contains { $0.result == .allow && $0.time > Date(timeIntervalSinceNow: -1) })

            // Back, but ahead of what the replica applied: still out until it applies.
            stream.set(lastSequence: 4)
            let probed = stream.probes
            try await pollUntil("two more probes answered", timeout: .seconds(5)) { stream.probes >= probed + 2 }
            #expect(!running.service.isSubscribed, "not current until sequence 4 is applied")
            #expect(!monitor.isCurrent)
            monitor.applied(sequence: 4)
            try await pollUntil("replica rejoined", timeout: .seconds(5)) { running.service.isSubscribed }
            try await allowedEventually("alice allowed once the replica rejoined")
        } catch {
            await callout?.stop()
            monitorTask.cancel()
            try? await server.server.stop()
            throw error
        }
        await callout?.stop()
        monitorTask.cancel()
        try await server.server.stop()
    }

    /// Two replicas see the same deactivation; only the one that accepted it (its origin) cuts,
    /// after its settle wait: one `revoke` record cluster-wide, one kick (its speed is make bench's "session cut").
    @Test func onlyTheWritingReplicaCutsSessions() async throws {
        let server = try await CalloutServer.start()
        let directory = try makeDirectory()
        try await directory.addUser("carol", password: "carol-pw", groups: ["developers"])
        let policy = try PolicyStore.parsing(CalloutEndToEndTests.policyYAML)
        let settled = NIOLockedValueBox<[String: Int]>([:])
        var feeds: [String: OriginFeed] = [:]
        var replicas: [String: RunningCallout] = [:]
        var live: NATSConnection?
        func stopAll() async {
            await live?.close()
            for replica in replicas.values { await replica.stop() }
        }
        do {
            for replicaID in ["replica-a", "replica-b"] {
                let feed = OriginFeed(directory, origin: "replica-a")
                feeds[replicaID] = feed
                replicas[replicaID] = try await RunningCallout.start(
                    url: server.server.url, serviceUser: server.serviceUser, keys: server.keys,
                    authorizer: Authorizer(identities: directory, policy: policy),
                    revoker: { running, registry, log in
                        let system = try await NATSConnection.connect(
                            NATSConfiguration(servers: [server.server.url],
                                              authentication: .userPassword(user: CalloutServer.systemUser.name,
                                                                            password: CalloutServer.systemUser.password)),
                            logger: RunningCallout.logger)
                        running.extraConnections.append(system)
                        return SessionRevoker(identities: directory, feed: feed, registry: registry,
                                              control: ServerControl(connection: system), policy: policy, decisionLog: log,
                                              replicaID: replicaID, settle: { settled.withLockedValue { $0[replicaID, default: 0] += 1 } },
                                              interval: .milliseconds(50), logger: RunningCallout.logger)
                    })
            }
            let session = try await NATSConnection.connect(
                NATSConfiguration(servers: [server.server.url], name: "live-session",
                                  authentication: .userPassword(user: "carol", password: "carol-pw"), reconnect: .disabled),
                logger: RunningCallout.logger)
            live = session
            #expect(session.isConnected)
            let change = try await directory.latestChangeSequence() + 1

            // How fast is make bench's figure ("session cut", docs/benchmarks.md); here: cut, and once.
            try await directory.setActive("carol", false)
            try await pollUntil("carol's session to be cut", timeout: .seconds(10), interval: .milliseconds(10)) { session.isClosed }
            let writer = try #require(replicas["replica-a"]), other = try #require(replicas["replica-b"])
            _ = try await writer.record("revocation by the writer") { $0.result == .revoke }
            // The other replica has read the change, and did nothing with it.
            let otherFeed = try #require(feeds["replica-b"])
            try await pollUntil("replica-b read the deactivation", timeout: .seconds(5)) { otherFeed.readUpTo >= change }
            let revokes = (writer.sink.records + other.sink.records).filter { $0.result == .revoke }
            #expect(revokes.count == 1)
            #expect(revokes.first?.sessionsCut == 1 && revokes.first?.userName == "carol")
            #expect(settled.withLockedValue { $0 } == ["replica-a": 1], "only the writer waits, once, before it cuts")
        } catch {
            await stopAll()
            try? await server.server.stop()
            throw error
        }
        await stopAll()
        try await server.server.stop()
    }
}

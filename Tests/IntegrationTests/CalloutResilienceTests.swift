import AuthCallout
import Foundation
import IdentityStore
import NATSClient
import Testing
import TestSupport

/// Replicas, server restarts and live-session cuts, against a real nats-server.
@Suite("Auth callout replicas, restarts, revocation", .serialized, .timeLimit(.minutes(5)))
struct CalloutResilienceTests {
    typealias Fixture = CalloutEndToEndTests.Fixture

    /// Connects `count` times in a row with nats-py; prints how many connects succeeded.
    static let repeatScript = """
        import asyncio, sys, nats
        async def main():
            url, user, password, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
            ok = 0
            for _ in range(count):
                try:
                    nc = await nats.connect(url, user=user, password=password, connect_timeout=5,
                                            allow_reconnect=False, max_reconnect_attempts=0)
                    ok += 1
                    await nc.close()
                except Exception:
                    pass
            print(ok)
        asyncio.run(main())
        """

    static func connectRepeatedly(_ url: String, _ user: String, _ password: String, count: Int) async throws -> Int {
        let result = try await runPython(repeatScript, arguments: [url, user, password, String(count)], timeout: .seconds(120))
        #expect(result.status == 0, "\(result.stderr)")
        return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func twoReplicasInOneQueueGroupBothAnswer() async throws {
        try await Fixture.with { f in
            let second = try await RunningCallout.start(url: f.server.server.url, serviceUser: f.server.serviceUser,
                                                        keys: f.server.keys, authorizer: f.authorizer)
            defer { Task { await second.stop() } }
            try await f.directory.addUser("alice", password: "alice-pw", groups: ["developers"])
            let connected = try await Self.connectRepeatedly(f.server.server.url, "alice", "alice-pw", count: 40)
            #expect(connected == 40)
            let first = f.callout.sink, other = second.sink
            try await pollUntil("both replicas' records") { first.records.count + other.records.count == 40 }
            // Queue group: each connect was answered by exactly one replica, and both took a share.
            #expect(first.records.count > 0 && other.records.count > 0,
                    "first \(first.records.count), second \(other.records.count)")
            #expect((first.records + other.records).allSatisfy { $0.result == .allow })
            await second.stop()
        }
    }

    @Test func keepsServingAcrossANatsServerRestart() async throws {
        try await Fixture.with { f in
            try await f.directory.addUser("alice", password: "alice-pw", groups: ["developers"])
            let url = f.server.server.url
            #expect(try await PythonClient.run(url, ["user": "alice", "password": "alice-pw"]).connected)
            try await f.server.server.restart()
            // The service reconnects and resubscribes by itself; connects succeed again.
            let result = try await poll("a connect through the callout after the restart", timeout: .seconds(30), interval: .milliseconds(100)) {
                let attempt = try await PythonClient.run(url, ["user": "alice", "password": "alice-pw"])
                return attempt.connected ? attempt : nil
            }
            #expect(result.connected)
            #expect(f.callout.connection.isConnected)
        }
    }

    @Test func deactivationCutsALiveSession() async throws {
        try await Fixture.with(revocation: true) { f in
            try await f.directory.addUser("alice", password: "alice-pw", groups: ["developers"])
            let live = try await NATSConnection.connect(
                NATSConfiguration(servers: [f.server.server.url], name: "live-session",
                                  authentication: .userPassword(user: "alice", password: "alice-pw"), reconnect: .disabled),
                logger: RunningCallout.logger)
            #expect(live.isConnected)
            _ = try await f.callout.record("alice allowed") { $0.userName == "alice" && $0.result == .allow }

            try await f.directory.setActive("alice", false)
            try await pollUntil("the live session to be cut", timeout: .seconds(10)) { live.isClosed }
            let revoke = try await f.callout.record("revocation") { $0.result == .revoke }
            #expect(revoke.reason == .sessionsCut && revoke.sessionsCut == 1 && revoke.userName == "alice")
            #expect(!(try await PythonClient.run(f.server.server.url, ["user": "alice", "password": "alice-pw"]).connected))
            await live.close()
        }
    }

    /// The revoker looks at once after a change this process commits: with a poll interval of
    /// an hour, a deactivation still cuts the live session.
    @Test func aCommittedDeactivationIsCutWithoutWaitingForThePoll() async throws {
        try await Fixture.with(revocation: true, revocationInterval: .seconds(3600)) { f in
            try await f.directory.addUser("alice", password: "alice-pw", groups: ["developers"])
            let live = try await NATSConnection.connect(
                NATSConfiguration(servers: [f.server.server.url], name: "live-session",
                                  authentication: .userPassword(user: "alice", password: "alice-pw"), reconnect: .disabled),
                logger: RunningCallout.logger)
            _ = try await f.callout.record("alice allowed") { $0.userName == "alice" && $0.result == .allow }

            try await f.directory.setActive("alice", false)
            try await pollUntil("the live session to be cut", timeout: .seconds(10)) { live.isClosed }
            let revoke = try await f.callout.record("revocation") { $0.result == .revoke }
            #expect(revoke.reason == .sessionsCut && revoke.sessionsCut == 1 && revoke.userName == "alice")
            await live.close()
        }
    }

    /// An IdP deprovisioning many users at once: each cut waits out CONNZ's gather window, and
    /// the revoker runs them side by side, so their revoke records overlap in time.
    @Test func aBurstOfDeactivationsIsCutSideBySide() async throws {
        try await Fixture.with(revocation: true) { f in
            let names = (0 ..< 12).map { "leaver\($0)" }
            var sessions: [NATSConnection] = []
            for name in names {
                try await f.directory.addUser(name, password: "\(name)-pw", groups: ["developers"])
                sessions.append(try await NATSConnection.connect(
                    NATSConfiguration(servers: [f.server.server.url], authentication: .userPassword(user: name, password: "\(name)-pw"),
                                      reconnect: .disabled),
                    logger: RunningCallout.logger))
            }
            let directory = f.directory
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in names { group.addTask { try await directory.setActive(name, false) } }
                try await group.waitForAll()
            }
            let all = sessions
            try await pollUntil("every session to be cut", timeout: .seconds(30)) { all.allSatisfy(\.isClosed) }
            let revokes = try await poll("a revoke record per user") { () -> [DecisionRecord]? in
                let records = f.callout.sink.records.filter { $0.result == .revoke }
                return Set(records.compactMap(\.userName)) == Set(names) ? records : nil
            }
            #expect(revokes.allSatisfy { $0.reason == .sessionsCut && $0.sessionsCut == 1 }, "\(revokes.map { ($0.userName, $0.sessionsCut) })")
            // Each record spans its check (CONNZ's 250 ms window at least): one after another, none overlap.
            let spans = revokes.map { ($0.time, $0.time.addingTimeInterval(Double($0.latencyMicroseconds) / 1e6)) }
            let overlapping = spans.indices.contains { i in
                spans.indices.contains { j in i != j && spans[i].0 < spans[j].1 && spans[j].0 < spans[i].1 }
            }
            #expect(overlapping, "the revocations ran one after another: \(spans)")
            for session in sessions { await session.close() }
        }
    }

    @Test func groupRemovalCutsALiveSession() async throws {
        try await Fixture.with(revocation: true) { f in
            try await f.directory.addUser("bob", password: "bob-pw", groups: ["admins"])
            let live = try await NATSConnection.connect(
                NATSConfiguration(servers: [f.server.server.url], authentication: .userPassword(user: "bob", password: "bob-pw"),
                                  reconnect: .disabled),
                logger: RunningCallout.logger)
            _ = try await f.callout.record("bob allowed") { $0.userName == "bob" && $0.result == .allow }
            try await f.directory.setGroups("bob", ["developers"])
            try await pollUntil("bob's admin session to be cut", timeout: .seconds(10)) { live.isClosed }
            // Reconnecting gets the narrower permissions.
            let again = try await PythonClient.run(f.server.server.url, ["user": "bob", "password": "bob-pw", "publish": ["ops.x"], "expect_errors": 1])
            #expect(again.connected && again.errors?.isEmpty == false)
            await live.close()
        }
    }

    @Test func tokenRevocationCutsOnlyTheSessionsThatUsedIt() async throws {
        try await Fixture.with(revocation: true) { f in
            try await f.directory.addUser("erin", password: "erin-pw", groups: ["developers"])
            let token = try await f.directory.issueToken("erin")
            func connect(_ authentication: NATSConfiguration.Authentication, _ name: String) async throws -> NATSConnection {
                try await NATSConnection.connect(
                    NATSConfiguration(servers: [f.server.server.url], name: name, authentication: authentication, reconnect: .disabled),
                    logger: RunningCallout.logger)
            }
            let byToken = try await connect(.token(token), "by-token")
            let byPassword = try await connect(.userPassword(user: "erin", password: "erin-pw"), "by-password")
            _ = try await f.callout.record("erin allowed by token") { $0.userName == "erin" && $0.authMethod == .token && $0.result == .allow }
            _ = try await f.callout.record("erin allowed by password") { $0.userName == "erin" && $0.authMethod == .password && $0.result == .allow }

            try await f.directory.revokeTokens("erin")
            try await pollUntil("the token session to be cut", timeout: .seconds(10)) { byToken.isClosed }
            let revoke = try await f.callout.record("revocation") { $0.result == .revoke }
            #expect(revoke.sessionsCut == 1 && revoke.detail == "access token revoked" && revoke.userName == "erin")
            // The password session was decided on state that has not changed: it stays.
            #expect(!byPassword.isClosed)
            try await byPassword.flush()
            #expect(!(try await PythonClient.run(f.server.server.url, ["token": token]).connected))
            await byToken.close()
            await byPassword.close()
        }
    }
}

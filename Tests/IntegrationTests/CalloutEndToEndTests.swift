import AuthCallout
import Foundation
import IdentityStore
import Logging
import NATSClient
import NKeys
import Testing
import TestSupport

/// The callout against a real nats-server 2.15, with nats-py and our own client connecting.
@Suite("Auth callout end to end", .serialized, .timeLimit(.minutes(5)))
struct CalloutEndToEndTests {
    static let policyYAML = """
        account: APP
        bindings:
          - group: developers
            publish: ["app.{{userName}}.>", "app.shared"]
            subscribe: ["app.>", "_INBOX.>"]
          - group: admins
            publish: [">"]
            subscribe: [">"]
        """

    struct Fixture {
        let server: CalloutServer
        let directory: any CalloutDirectory
        let callout: RunningCallout
        let authorizer: Authorizer

        static func start(xkey: Bool = false, requireEncryption: Bool = false, revocation: Bool = false,
                          revocationInterval: Duration = .milliseconds(50)) async throws -> Fixture {
            let server = try await CalloutServer.start(xkey: xkey)
            let directory = try makeDirectory()
            let policy = try PolicyStore.parsing(CalloutEndToEndTests.policyYAML)
            let authorizer = Authorizer(identities: directory, policy: policy)
            let callout = try await RunningCallout.start(
                url: server.server.url, serviceUser: server.serviceUser, keys: server.keys, authorizer: authorizer,
                requireEncryption: requireEncryption,
                revoker: revocation ? { running, registry, log in
                    let system = try await NATSConnection.connect(
                        NATSConfiguration(servers: [server.server.url],
                                          authentication: .userPassword(user: CalloutServer.systemUser.name, password: CalloutServer.systemUser.password)),
                        logger: RunningCallout.logger)
                    running.extraConnections.append(system)
                    return SessionRevoker(identities: directory, feed: directory, registry: registry,
                                          control: ServerControl(connection: system), policy: policy, decisionLog: log,
                                          interval: revocationInterval, logger: RunningCallout.logger)
                } : nil)
            return Fixture(server: server, directory: directory, callout: callout, authorizer: authorizer)
        }

        func stop() async {
            await callout.stop()
            try? await server.server.stop()
        }

        /// Runs `body` with a fresh fixture and always stops it (closing every connection).
        static func with(xkey: Bool = false, requireEncryption: Bool = false, revocation: Bool = false,
                         revocationInterval: Duration = .milliseconds(50),
                         _ body: (Fixture) async throws -> Void) async throws {
            let fixture = try await start(xkey: xkey, requireEncryption: requireEncryption, revocation: revocation,
                                          revocationInterval: revocationInterval)
            do {
                try await body(fixture)
            } catch {
                await fixture.stop()
                throw error
            }
            await fixture.stop()
        }
    }

    @Test func allowAndDenyWithNatsPy() async throws {
        try await Fixture.with { f in
            try await f.directory.addUser("alice", password: "alice-pw", groups: ["developers"])
            try await f.directory.addUser("ivan", password: "ivan-pw", groups: ["developers"])
            try await f.directory.setActive("ivan", false)
            let url = f.server.server.url

            let ok = try await PythonClient.run(url, ["user": "alice", "password": "alice-pw", "roundtrip": ["app.alice.hello"]])
            #expect(ok.connected, "\(ok.error ?? "")")
            #expect(ok.received == ["app.alice.hello"])
            let allowed = try await f.callout.record("alice allowed") { $0.userName == "alice" && $0.result == .allow }
            #expect(allowed.clientLang == "python3" && allowed.grantedBy == ["developers"] && allowed.account == "APP")
            // Dated from the socket read: the queue wait is measured, and is part of the latency.
            let queued = try #require(allowed.queueMicroseconds)
            #expect(queued >= 0 && queued <= allowed.latencyMicroseconds)

            for (user, password, reason) in [("alice", "wrong", DecisionReason.wrongSecret), ("nobody", "x", .unknownUser),
                                             ("ivan", "ivan-pw", .inactiveUser)] {
                let denied = try await PythonClient.run(url, ["user": user, "password": password])
                #expect(!denied.connected)
                #expect(denied.error?.contains("Authorization Violation") == true, "\(denied.error ?? "")")
                let record = try await f.callout.record("\(user) denied") { $0.userName == user && $0.result == .deny }
                #expect(record.reason == reason)
            }
            // The server logged our reason (merged, so it never tells whether a user exists).
            #expect(f.server.server.log.contains("invalid_credentials"))
            #expect(!f.server.server.log.contains("alice-pw"))
        }
    }

    @Test func permissionsAreEnforcedAndFollowGroupChanges() async throws {
        try await Fixture.with { f in
            try await f.directory.addUser("bob", password: "bob-pw", groups: ["developers"])
            let url = f.server.server.url

            let dev = try await PythonClient.run(url, ["user": "bob", "password": "bob-pw",
                                                       "roundtrip": ["app.bob.x"], "publish": ["ops.restart"], "expect_errors": 1])
            #expect(dev.connected)
            #expect(dev.received == ["app.bob.x"])
            #expect(dev.errors?.contains { $0.lowercased().contains("permissions violation") && $0.contains("ops.restart") } == true,
                    "\(dev.errors ?? [])")

            // Group change through the store: the very next connect gets the new permissions.
            try await f.directory.setGroups("bob", ["admins"])
            let admin = try await PythonClient.run(url, ["user": "bob", "password": "bob-pw", "roundtrip": ["ops.restart"]])
            #expect(admin.connected && admin.received == ["ops.restart"] && admin.errors == [], "\(admin.errors ?? [])")

            // Removed from every group: denied.
            try await f.directory.setGroups("bob", [])
            let none = try await PythonClient.run(url, ["user": "bob", "password": "bob-pw"])
            #expect(!none.connected)
            #expect(try await f.callout.record("bob no binding") { $0.userName == "bob" && $0.reason == .noBinding }.result == .deny)
        }
    }

    @Test func deactivationAndPasswordChangeDecideTheNextConnect() async throws {
        try await Fixture.with { f in
            try await f.directory.addUser("carol", password: "old-pw", groups: ["developers"])
            let url = f.server.server.url
            #expect(try await PythonClient.run(url, ["user": "carol", "password": "old-pw"]).connected)
            // Cached now; a password change must still refuse the old one at once.
            try await f.directory.setPassword("carol", "new-pw")
            #expect(!(try await PythonClient.run(url, ["user": "carol", "password": "old-pw"]).connected))
            #expect(try await PythonClient.run(url, ["user": "carol", "password": "new-pw"]).connected)
            try await f.directory.setActive("carol", false)
            #expect(!(try await PythonClient.run(url, ["user": "carol", "password": "new-pw"]).connected))
            try await f.directory.deleteUser("carol")
            #expect(!(try await PythonClient.run(url, ["user": "carol", "password": "new-pw"]).connected))
        }
    }

    @Test func tokenAndNKeyLogins() async throws {
        try await Fixture.with { f in
            try await f.directory.addUser("dave", password: nil, groups: ["developers"])
            let token = try await f.directory.issueToken("dave")
            let key = try KeyPair.generate(.user)
            try await f.directory.addNKey("dave", key.publicKey)
            let url = f.server.server.url

            let byToken = try await PythonClient.run(url, ["token": token, "roundtrip": ["app.dave.t"]])
            #expect(byToken.connected && byToken.received == ["app.dave.t"], "\(byToken.diagnosis) \(f.server.server.log.suffix(600))")
            #expect(try await f.callout.record("token") { $0.authMethod == .token && $0.result == .allow }.userName == "dave")
            #expect(!(try await PythonClient.run(url, ["token": "natstok_not-a-real-token"]).connected))

            let byKey = try await PythonClient.run(url, ["nkey_seed": key.encodedSeed(), "roundtrip": ["app.dave.k"]])
            #expect(byKey.connected && byKey.received == ["app.dave.k"], "\(byKey.diagnosis) \(f.server.server.log.suffix(600))")
            #expect(try await f.callout.record("nkey") { $0.authMethod == .nkey && $0.result == .allow }.userName == "dave")
            let stranger = try KeyPair.generate(.user)
            #expect(!(try await PythonClient.run(url, ["nkey_seed": stranger.encodedSeed()]).connected))

            // Our own client, too.
            let ours = try await NATSConnection.connect(
                NATSConfiguration(servers: [url], authentication: .nkey(publicKey: key.publicKey, signNonce: { key.signature(for: $0) }),
                                  reconnect: .disabled),
                logger: RunningCallout.logger)
            try await ours.publish(Array("hi".utf8), to: "app.dave.ours")
            try await ours.flush()
            await ours.close()
        }
    }

    @Test func encryptedRequestsAndReplies() async throws {
        try await Fixture.with(xkey: true, requireEncryption: true) { f in
            try await f.directory.addUser("erin", password: "erin-pw", groups: ["developers"])
            let result = try await PythonClient.run(f.server.server.url, ["user": "erin", "password": "erin-pw", "roundtrip": ["app.erin.x"]])
            #expect(result.connected && result.received == ["app.erin.x"], "\(result.diagnosis) \(f.server.server.log.suffix(600))")
            #expect(try await f.callout.record("erin") { $0.userName == "erin" }.result == .allow)
            #expect(!(try await PythonClient.run(f.server.server.url, ["user": "erin", "password": "bad"]).connected))
        }
    }
}

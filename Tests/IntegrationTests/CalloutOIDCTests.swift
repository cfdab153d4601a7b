import AuthCallout
import Foundation
import IdentityStore
import Logging
import OIDC
import Testing
import TestSupport

/// Token logins end to end: a real OpenID provider on loopback (discovery, JWKS, rotating keys),
/// a real nats-server, nats-py presenting IdP tokens, and the SCIM store deciding who they are.
@Suite("Auth callout: OIDC token logins", .serialized, .timeLimit(.minutes(5)))
struct CalloutOIDCTests {
    static let entraAudience = "api://nats-callout"
    static let oktaAudience = "0oa-nats-client"

    struct Fixture {
        let server: CalloutServer
        let directory: any CalloutDirectory
        let callout: RunningCallout
        /// Entra-shaped: `oid` → `externalId`, RS256. Okta-shaped: `preferred_username` → `userName`, ES256.
        let entra: TestOIDCIssuer
        let okta: TestOIDCIssuer
        let keyStore: OIDCKeyStore
        private let keyTask: Task<Void, any Error>

        static func start(entraAvailable: Bool = true, oktaGroupsClaim: String? = nil) async throws -> Fixture {
            let entra = try await TestOIDCIssuer.start()
            try await entra.addKey(.rs256, kid: "entra-1")
            entra.setAvailable(entraAvailable)
            let okta = try await TestOIDCIssuer.start()
            try await okta.addKey(.es256, kid: "okta-1")
            let keyStore = OIDCKeyStore(issuers: [
                OIDCIssuer(issuer: entra.issuer, audiences: [entraAudience], algorithms: [.rs256],
                           mapping: ClaimMapping(claim: "oid", attribute: .externalId), clockSkew: .seconds(5),
                           refreshInterval: .seconds(3600)),
                OIDCIssuer(issuer: okta.issuer, audiences: [oktaAudience], algorithms: [.es256, .rs256],
                           mapping: ClaimMapping(claim: "preferred_username", attribute: .userName), clockSkew: .seconds(5),
                           maxTokenAge: .seconds(3600), refreshInterval: .seconds(3600), narrowingClaim: oktaGroupsClaim),
            ], logger: RunningCallout.logger)
            let keyTask = Task { try await keyStore.run() }
            try await pollUntil("OIDC keys fetched") {
                keyStore.keys.values.filter(\.isAvailable).count == (entraAvailable ? 2 : 1)
                    && keyStore.keys.values.allSatisfy { $0.fetchCount > 0 }
            }
            let server = try await CalloutServer.start()
            let directory = try makeDirectory()
            let policy = try PolicyStore.parsing(CalloutEndToEndTests.policyYAML)
            let authorizer = Authorizer(identities: directory, policy: policy, maxLifetime: .seconds(3600),
                                        tokens: keyStore, tokenPasswordUser: "oidc")
            let callout = try await RunningCallout.start(url: server.server.url, serviceUser: server.serviceUser,
                                                         keys: server.keys, authorizer: authorizer)
            return Fixture(server: server, directory: directory, callout: callout, entra: entra, okta: okta,
                           keyStore: keyStore, keyTask: keyTask)
        }

        func stop() async {
            keyTask.cancel()
            await callout.stop()
            try? await server.server.stop()
            await entra.stop()
            await okta.stop()
        }

        static func with(entraAvailable: Bool = true, oktaGroupsClaim: String? = nil,
                         _ body: (Fixture) async throws -> Void) async throws {
            let fixture = try await start(entraAvailable: entraAvailable, oktaGroupsClaim: oktaGroupsClaim)
            do {
                try await body(fixture)
            } catch {
                await fixture.stop()
                throw error
            }
            await fixture.stop()
        }

        /// The decision record that follows `connect` (decisions are made one at a time here).
        func decision(of connect: () async throws -> PythonClient.Result) async throws -> (PythonClient.Result, DecisionRecord) {
            let before = callout.sink.records.count
            let result = try await connect()
            let sink = callout.sink
            let record = try await poll("a decision record", timeout: .seconds(10)) {
                sink.records.count > before ? sink.records[before] : nil
            }
            return (result, record)
        }

        func entraToken(oid: String, kid: String = "entra-1", _ extra: [String: TestClaim] = [:]) async throws -> String {
            try await entra.token(TestOIDCIssuer.claims(audience: CalloutOIDCTests.entraAudience, subject: "entra-sub-\(oid)",
                                                        ["oid": .string(oid), "tid": "tenant-1"].merging(extra) { $1 }), kid: kid)
        }

        func oktaToken(user: String, kid: String = "okta-1", _ extra: [String: TestClaim] = [:]) async throws -> String {
            try await okta.token(TestOIDCIssuer.claims(audience: CalloutOIDCTests.oktaAudience, subject: "00u-\(user)",
                                                       ["preferred_username": .string(user)].merging(extra) { $1 }), kid: kid)
        }
    }

    @Test func entraAndOktaTokensAreAllowedWithTheirSCIMPermissions() async throws {
        try await Fixture.with { f in
            try await f.directory.addUser("alice", password: nil, groups: ["developers"])
            try await f.directory.setExternalID("alice", "oid-alice")
            try await f.directory.addUser("bob@example.com", password: nil, groups: ["developers"])
            let url = f.server.server.url

            let entraToken = try await f.entraToken(oid: "oid-alice")
            let (alice, aliceRecord) = try await f.decision {
                try await PythonClient.run(url, ["token": entraToken, "roundtrip": ["app.alice.hello"], "publish": ["app.bob.x"],
                                                 "expect_errors": 1])
            }
            #expect(alice.connected, "\(alice.error ?? "")")
            #expect(alice.received == ["app.alice.hello"])
            #expect(alice.errors?.contains { $0.lowercased().contains("permissions violation") } == true)
            #expect(aliceRecord.result == .allow && aliceRecord.authMethod == .oidc && aliceRecord.userName == "alice")
            #expect(aliceRecord.tokenIssuer == f.entra.issuer && aliceRecord.tokenKeyID == "entra-1")
            #expect(aliceRecord.tokenSubject == "entra-sub-oid-alice")
            // The NATS user JWT ends with the IdP token (10 minutes), not with jwt.lifetime (1 hour).
            let jwtExpires = try #require(aliceRecord.jwtExpires)
            #expect(jwtExpires.timeIntervalSinceNow <= 601)

            let oktaToken = try await f.oktaToken(user: "bob@example.com")
            let (bob, bobRecord) = try await f.decision {
                try await PythonClient.run(url, ["token": oktaToken, "roundtrip": ["app.bob@example.com.hi"]])
            }
            #expect(bob.connected, "\(bob.error ?? "")")
            #expect(bobRecord.result == .allow && bobRecord.userName == "bob@example.com" && bobRecord.tokenKeyID == "okta-1")

            // A client that can only send a password: the fixed user name, the token as its password.
            let (viaPassword, viaPasswordRecord) = try await f.decision {
                try await PythonClient.run(url, ["user": "oidc", "password": oktaToken])
            }
            #expect(viaPassword.connected, "\(viaPassword.error ?? "")")
            #expect(viaPasswordRecord.authMethod == .oidc && viaPasswordRecord.userName == "bob@example.com")
        }
    }

    @Test func refusedTokensAndSCIMStates() async throws {
        try await Fixture.with { f in
            try await f.directory.addUser("alice", password: nil, groups: ["developers"])
            try await f.directory.setExternalID("alice", "oid-alice")
            try await f.directory.addUser("ivan", password: nil, groups: ["developers"])
            try await f.directory.setExternalID("ivan", "oid-ivan")
            try await f.directory.setActive("ivan", false)
            try await f.directory.addUser("gina", password: nil, groups: ["developers"])
            try await f.directory.setExternalID("gina", "oid-gina")
            try await f.entra.addKey(.rs256, kid: "never-published", publish: false)
            let url = f.server.server.url
            let now = Int64(Date().timeIntervalSince1970)

            let good = try await f.entraToken(oid: "oid-alice")
            let parts = good.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let forgedPayload = TestOIDCIssuer.base64URL(try JSONEncoder().encode(TestTokenPayload(
                TestOIDCIssuer.claims(audience: Self.entraAudience, subject: "x", ["oid": "oid-gina", "iss": .string(f.entra.issuer)]))))
            let noneHeader = TestOIDCIssuer.base64URL(Data(#"{"alg":"none","kid":"entra-1","typ":"JWT"}"#.utf8))
            let hsHeader = TestOIDCIssuer.base64URL(Data(#"{"alg":"HS256","kid":"entra-1","typ":"JWT"}"#.utf8))
            let hmac = HMACWithPublicKey.sign("\(hsHeader).\(parts[1])", key: try f.entra.publicJWK("entra-1"))
            let otherIssuer = try await TestOIDCIssuer.start()
            try await otherIssuer.addKey(.rs256, kid: "entra-1")
            let foreign = try await otherIssuer.token(TestOIDCIssuer.claims(audience: Self.entraAudience, subject: "s", ["oid": "oid-alice"]),
                                                      kid: "entra-1")
            await otherIssuer.stop()

            let cases: [(String, String, DecisionReason)] = [
                ("wrong audience", try await f.entra.token(TestOIDCIssuer.claims(audience: "api://other", subject: "s", ["oid": "oid-alice"]),
                                                          kid: "entra-1"), .tokenInvalid),
                ("wrong issuer", foreign, .unknownIssuer),
                ("expired", try await f.entraToken(oid: "oid-alice", ["exp": .integer(now - 120), "iat": .integer(now - 720)]), .tokenExpired),
                ("not yet valid", try await f.entraToken(oid: "oid-alice", ["nbf": .integer(now + 600), "exp": .integer(now + 1200)]),
                 .tokenNotYetValid),
                ("tampered payload", "\(parts[0]).\(forgedPayload).\(parts[2])", .tokenInvalid),
                ("alg none", "\(noneHeader).\(parts[1]).", .tokenInvalid),
                ("HS256 with the public key", "\(hsHeader).\(parts[1]).\(hmac)", .tokenInvalid),
                ("unknown kid", try await f.entraToken(oid: "oid-alice", kid: "never-published"), .tokenInvalid),
                ("deactivated SCIM user", try await f.entraToken(oid: "oid-ivan"), .inactiveUser),
                ("unknown SCIM user", try await f.entraToken(oid: "oid-nobody"), .unknownUser),
            ]
            for (name, token, reason) in cases {
                let (result, record) = try await f.decision { try await PythonClient.run(url, ["token": token]) }
                #expect(!result.connected, "\(name) must be refused")
                #expect(record.result == .deny && record.reason == reason && record.authMethod == .oidc, "\(name): \(record.reason)")
            }

            // Gina is allowed, then loses the bound group: her next token login is refused.
            let gina = try await f.entraToken(oid: "oid-gina")
            let (allowed, _) = try await f.decision { try await PythonClient.run(url, ["token": gina]) }
            #expect(allowed.connected)
            try await f.directory.setGroups("gina", [])
            let (refused, record) = try await f.decision { try await PythonClient.run(url, ["token": gina]) }
            #expect(!refused.connected)
            #expect(record.reason == .noBinding)
        }
    }

    @Test func aFloodOfUnknownKidsFetchesTheKeysAtMostOnce() async throws {
        try await Fixture.with { f in
            try await f.directory.addUser("alice", password: nil, groups: ["developers"])
            try await f.directory.setExternalID("alice", "oid-alice")
            var tokens: [String] = []
            for index in 0..<12 {
                try await f.entra.addKey(.rs256, kid: "made-up-\(index)", publish: false)
                tokens.append(try await f.entraToken(oid: "oid-alice", kid: "made-up-\(index)"))
            }
            let before = f.entra.jwksFetchCount
            let results = try await ManyTokens.connect(f.server.server.url, tokens)
            #expect(results == Array(repeating: false, count: tokens.count))
            // At most one refetch per issuer per unknown-kid interval (30 s by default).
            #expect(f.entra.jwksFetchCount - before <= 1)
            let sink = f.callout.sink, count = tokens.count
            try await pollUntil("every flood decision recorded") { sink.records.count >= count }
            #expect(sink.records.allSatisfy { $0.reason == .tokenInvalid })
        }
    }

    @Test func keyRotationAtTheIssuerFailsNoLogin() async throws {
        try await Fixture.with { f in
            try await f.directory.addUser("alice", password: nil, groups: ["developers"])
            try await f.directory.setExternalID("alice", "oid-alice")
            let url = f.server.server.url
            let old = try await f.entraToken(oid: "oid-alice")
            #expect(try await PythonClient.run(url, ["token": old]).connected)
            // The issuer rolls over: a new key signs from now on, the old one is withdrawn.
            try await f.entra.addKey(.rs256, kid: "entra-2")
            f.entra.setPublished("entra-1", false)
            let new = try await f.entraToken(oid: "oid-alice", kid: "entra-2")
            #expect(try await PythonClient.run(url, ["token": new]).connected)
            // A token signed before the rollover still works within the stale-key grace.
            #expect(try await PythonClient.run(url, ["token": old]).connected)
            let sink = f.callout.sink
            try await pollUntil("three decisions recorded") { sink.records.count >= 3 }
            #expect(sink.records.allSatisfy { $0.result == .allow })
            #expect(sink.records.map(\.tokenKeyID) == ["entra-1", "entra-2", "entra-1"])
        }
    }

    @Test func anUnreachableIssuerRefusesOnlyItsOwnLogins() async throws {
        try await Fixture.with(entraAvailable: false) { f in
            try await f.directory.addUser("alice", password: "alice-pw", groups: ["developers"])
            try await f.directory.setExternalID("alice", "oid-alice")
            try await f.directory.addUser("bob", password: nil, groups: ["developers"])
            let url = f.server.server.url
            #expect(f.keyStore.unavailableIssuers == [f.entra.issuer])
            let token = try await f.entraToken(oid: "oid-alice")
            let (refused, record) = try await f.decision { try await PythonClient.run(url, ["token": token]) }
            #expect(!refused.connected)
            #expect(record.reason == .issuerUnavailable && record.tokenIssuer == f.entra.issuer)
            // Every other credential keeps working: the other issuer, a password.
            #expect(try await PythonClient.run(url, ["token": try await f.oktaToken(user: "bob")]).connected)
            #expect(try await PythonClient.run(url, ["user": "alice", "password": "alice-pw"]).connected)
            // Once the keys can be fetched, the issuer's logins work.
            f.entra.setAvailable(true)
            #expect(await f.keyStore.refreshAll())
            #expect(try await PythonClient.run(url, ["token": token]).connected)
        }
    }

    @Test func aGroupsClaimOnlyNarrowsWhatSCIMGrants() async throws {
        try await Fixture.with(oktaGroupsClaim: "groups") { f in
            // SCIM: bob is a developer and an admin.
            try await f.directory.addUser("bob", password: nil, groups: ["developers", "admins"])
            let url = f.server.server.url
            // The token lists only developers: admin rights (publish anywhere) are not granted.
            let developer = try await f.oktaToken(user: "bob", ["groups": .strings(["developers"])])
            let (narrowed, narrowedRecord) = try await f.decision {
                try await PythonClient.run(url, ["token": developer, "roundtrip": ["app.bob.x"], "publish": ["ops.restart"],
                                                 "expect_errors": 1])
            }
            #expect(narrowed.connected && narrowed.received == ["app.bob.x"])
            #expect(narrowed.errors?.contains { $0.lowercased().contains("permissions violation") } == true)
            #expect(narrowedRecord.grantedBy == ["developers"])
            // A group SCIM does not grant is never added; listing only that leaves nothing.
            let widened = try await f.oktaToken(user: "bob", ["groups": .strings(["ops-superusers"])])
            let (refused, refusedRecord) = try await f.decision { try await PythonClient.run(url, ["token": widened]) }
            #expect(!refused.connected)
            #expect(refusedRecord.reason == .noBinding)
            // No groups claim at all: nothing is kept (fail closed).
            let bare = try await f.oktaToken(user: "bob")
            let (_, bareRecord) = try await f.decision { try await PythonClient.run(url, ["token": bare]) }
            #expect(bareRecord.reason == .noBinding)
            // Both groups listed: both bindings, as SCIM grants them.
            let both = try await f.oktaToken(user: "bob", ["groups": .strings(["admins", "developers"])])
            let (_, bothRecord) = try await f.decision { try await PythonClient.run(url, ["token": both]) }
            #expect(Set(bothRecord.grantedBy) == ["admins", "developers"])
        }
    }

    @Test func aMachineIdentityIsDeprovisionedLikeAPerson() async throws {
        try await Fixture.with { f in
            // A CI job: a SCIM user provisioned for the workload, its token from the same IdP.
            try await f.directory.addUser("ci-deploy-bot", password: nil, groups: ["developers"])
            let url = f.server.server.url
            let token = try await f.oktaToken(user: "ci-deploy-bot")
            let (allowed, _) = try await f.decision {
                try await PythonClient.run(url, ["token": token, "roundtrip": ["app.ci-deploy-bot.build"]])
            }
            #expect(allowed.received == ["app.ci-deploy-bot.build"])
            // Deprovisioned in the IdP (SCIM active=false): the same, still valid token is refused.
            try await f.directory.setActive("ci-deploy-bot", false)
            let (refused, record) = try await f.decision { try await PythonClient.run(url, ["token": token]) }
            #expect(!refused.connected)
            #expect(record.reason == .inactiveUser)
            // Deleted: unknown.
            try await f.directory.deleteUser("ci-deploy-bot")
            let (_, deleted) = try await f.decision { try await PythonClient.run(url, ["token": token]) }
            #expect(deleted.reason == .unknownUser)
        }
    }
}

/// An HS256 "signature" made with the issuer's public key as the secret: the algorithm-confusion
/// attack the verifier must refuse.
enum HMACWithPublicKey {
    static func sign(_ signingInput: String, key: Data) -> String {
        TestOIDCIssuer.base64URL(TestOIDCIssuer.hmacSHA256(Data(signingInput.utf8), key: key))
    }
}

/// One nats-py process trying many tokens in turn: whether each connected.
enum ManyTokens {
    static let script = """
        import asyncio, json, sys, nats
        async def main():
            url, tokens = sys.argv[1], json.loads(sys.argv[2])
            results = []
            for token in tokens:
                async def on_error(e): pass
                try:
                    nc = await nats.connect(url, token=token, connect_timeout=5, allow_reconnect=False,
                                            max_reconnect_attempts=0, error_cb=on_error)
                    results.append(True)
                    await nc.close()
                except Exception:
                    results.append(False)
            print(json.dumps(results))
        asyncio.run(main())
        """

    static func connect(_ url: String, _ tokens: [String]) async throws -> [Bool] {
        let json = String(decoding: try JSONEncoder().encode(tokens), as: UTF8.self)
        let output = try await runPython(script, arguments: [url, json], timeout: .seconds(120))
        guard output.status == 0, let line = output.stdout.split(separator: "\n").last else {
            throw TestSupportError.processFailed(command: "python tokens", status: output.status, output: output.stderr)
        }
        return try JSONDecoder().decode([Bool].self, from: Data(line.utf8))
    }
}

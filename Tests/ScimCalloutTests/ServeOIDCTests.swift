import Foundation
import IdentityStore
import Logging
import Testing
import TestSupport

/// `serve` with `oidc.issuers`: the key store runs in the service group, `/readyz` names an issuer
/// whose keys cannot be fetched, and once they can, a token login through nats-server is allowed.
@Suite("scim-callout serve: token logins")
struct ServeOIDCTests {
    @Test func anUnreachableIssuerIsNamedByReadyzUntilItsKeysArrive() async throws {
        let directory = try TestEnvironment.temporaryDirectory("serve-oidc")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let database = try IdentityDatabase.open(path: directory.appendingPathComponent("scim-callout.sqlite").path,
                                                 logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let alice = try await database.createUser(.init(userName: "alice", externalId: "oid-alice", resource: "{}"))
        _ = try await database.createGroup(.init(displayName: "nats-demo", resource: "{}"), members: [.init(value: alice.id)])

        let idp = try await TestOIDCIssuer.start()
        try await idp.addKey(.rs256, kid: "k1")
        idp.setAvailable(false)
        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        let port = freeLoopbackPort()
        let issuers = #"[{"issuer":"\#(idp.issuer)","audiences":["api://nats"],"algorithms":["RS256"],"#
            + #""user_claim":"oid","scim_attribute":"externalId","unknown_kid_interval":"5s"}]"#
        let serve = try ManagedProcess(
            executable: CLI.binary, arguments: ["serve", "--data-dir", directory.path],
            environment: ["SCIM_CALLOUT_HTTP_LISTEN": "127.0.0.1:\(port)", "SCIM_CALLOUT_NATS_URLS": nats.url,
                          "SCIM_CALLOUT_OIDC_ISSUERS": issuers],
            logURL: directory.appendingPathComponent("serve.log"))
        let readyz = "http://127.0.0.1:\(port)/readyz"
        // Up, but not ready: the issuer's keys are missing, and /readyz says which.
        let notReady = try await poll("serve answers /readyz", timeout: .seconds(30)) {
            try? await HTTPProbe.get(readyz)
        }
        #expect(notReady.status == 503)
        #expect(notReady.body.contains("oidc keys of \(idp.issuer)"), "\(notReady.body)")

        // The IdP comes back: the key store's retry fetches the keys and the service is ready.
        idp.setAvailable(true)
        try await pollUntil("serve ready", timeout: .seconds(30)) { (try? await HTTPProbe.get(readyz))?.status == 200 }
        let token = try await idp.token(TestOIDCIssuer.claims(audience: "api://nats", subject: "s", ["oid": "oid-alice"]), kid: "k1")
        let result = try await runPython("""
            import asyncio, sys, nats
            async def main():
                nc = await nats.connect(sys.argv[1], token=sys.argv[2], connect_timeout=5, allow_reconnect=False,
                                        max_reconnect_attempts=0)
                sub = await nc.subscribe("demo.x")
                await nc.publish("demo.x", b"hi")
                msg = await sub.next_msg(timeout=5)
                print("allowed " + msg.data.decode())
                await nc.close()
            asyncio.run(main())
            """, arguments: [nats.url, token], timeout: .seconds(60))
        #expect(result.stdout.contains("allowed hi"), "\(result.stderr)")
        #expect(try await serve.stop(signal: SIGTERM) == 0, "\(serve.output)")
        #expect(!serve.output.contains(token), "the token is never logged")
        #expect(serve.output.contains("\"decision.auth_method\":\"oidc\""), "\(serve.output)")
        await idp.stop()
    }
}

import Foundation
import IdentityStore
import Testing
import TestSupport

/// `serve` records the policy it loads and exports the SCIM token expiry gauge.
@Suite("scim-callout serve: policy history and SCIM token expiry")
struct ServeHistoryAndExpiryTests {
    @Test func servesRecordsThePolicyAndExportsTheTokenExpiry() async throws {
        let directory = try TestEnvironment.temporaryDirectory("serve-history")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let issued = try await CLI.run(["tokens", "issue", "--data-dir", directory.path, "--scim", "--name", "okta",
                                        "--expires-in", "10d", "--quiet"])
        #expect(issued.status == 0, "\(issued.stderr)")
        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        let (serve, port) = try await ServeFixture.startServe(directory, nats: nats)

        let policy = try Data(contentsOf: directory.appendingPathComponent("policy.yaml"))
        let store = try ServeFixture.openStore(directory)
        let recorded = try await poll("the policy load in policy_history", timeout: .seconds(30)) {
            try? await store.policyHistory(limit: 1).first
        }
        #expect(recorded.sha256 == PolicyRevision.sha256(of: policy))
        #expect(recorded.content == policy)

        let seconds = try await poll("the token expiry gauge", timeout: .seconds(30)) { () -> Double? in
            guard let reply = try? await HTTPProbe.get("http://127.0.0.1:\(port)/metrics"),
                  let parsed = try? PrometheusText(reply.body) else { return nil }
            return parsed.values("scim_callout_scim_token_expiry_seconds", ["token": "okta"]).first
        }
        #expect(seconds > 9 * 86_400 && seconds <= 10 * 86_400)
        #expect(!serve.output.contains("scimtok_"), "no token in the service log")
        #expect(try await serve.stop(signal: SIGTERM) == 0, "\(serve.output)")
    }
}

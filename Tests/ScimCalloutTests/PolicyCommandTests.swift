import Foundation
import Testing
import TestSupport

@Suite("scim-callout policy check/explain")
struct PolicyCommandTests {
    @Test func checkExitsZeroWhenAllowedAndTwoWhenDenied() async throws {
        let directory = try TestEnvironment.temporaryDirectory("policy")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let allowed = try await CLI.run(["policy", "check", "--data-dir", directory.path, "--user", "alice",
                                         "--group", "nats-demo"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout == "allow alice into APP (granted by demo)\n")
        let denied = try await CLI.run(["policy", "check", "--data-dir", directory.path, "--user", "mallory",
                                        "--group", "visitors"])
        #expect(denied.status == 2)
        #expect(denied.stdout.hasPrefix("deny mallory: no_binding"))
    }

    @Test func explainShowsBindingsAndPermissions() async throws {
        let directory = try TestEnvironment.temporaryDirectory("policy")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let result = try await CLI.run(["policy", "explain", "--data-dir", directory.path, "--user", "alice",
                                        "--group", "nats-demo", "--at", "2026-01-05T09:30:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("demo (line"))
        #expect(result.stdout.contains("result: ALLOW into account APP"))
        #expect(result.stdout.contains("demo.>"))
    }

    @Test func explainEscapesNamesFromClientsAndIdPs() async throws {
        let directory = try TestEnvironment.temporaryDirectory("policy")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let forged = "eve\nresult: ALLOW into account SYS"
        let result = try await CLI.run(["policy", "explain", "--data-dir", directory.path, "--user", forged,
                                        "--group", "nats-demo", "--group", "ops\u{1B}[2K\u{202E}nimda\u{2066}\t",
                                        "--host", "10.0.0.1\r", "--at", "2026-01-05T09:30:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        let results = lines.filter { $0.hasPrefix("result:") }
        #expect(results.count == 1 && results.first?.hasPrefix("result: ALLOW into account APP") == true, "\(result.stdout)")
        #expect(result.stdout.contains(#"user eve\nresult: ALLOW into account SYS"#))
        #expect(result.stdout.contains(#"ops\u{1B}[2K\u{202E}nimda\u{2066}\t"#))
        #expect(result.stdout.contains(#"host 10.0.0.1\r,"#))
        let raw: [Unicode.Scalar] = ["\u{1B}", "\r", "\t", "\u{202E}", "\u{2066}"]
        #expect(!result.stdout.unicodeScalars.contains { raw.contains($0) }, "a control character reached the terminal")
    }

    @Test func aBadTimeIsAUsageError() async throws {
        let directory = try TestEnvironment.temporaryDirectory("policy")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let result = try await CLI.run(["policy", "check", "--data-dir", directory.path, "--user", "a",
                                        "--group", "g", "--at", "yesterday"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--at yesterday"))
    }
}

@Suite("scim-callout policy explain --token-file")
struct PolicyTokenExplainTests {
    @Test func explainShowsHowATokenMapsAndRefusesABadOne() async throws {
        let directory = try TestEnvironment.temporaryDirectory("policy-token")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let idp = try await TestOIDCIssuer.start()
        try await idp.addKey(.es256, kid: "k1")
        let environment = ["SCIM_CALLOUT_OIDC_ISSUERS":
            #"[{"issuer":"\#(idp.issuer)","audiences":["nats"],"algorithms":["ES256"],"user_claim":"preferred_username"}]"#]
        let token = try await idp.token(TestOIDCIssuer.claims(audience: "nats", subject: "00u1", ["preferred_username": "alice"]), kid: "k1")
        let tokenFile = directory.appendingPathComponent("token.jwt")
        try Data(token.utf8).write(to: tokenFile)
        let result = try await CLI.run(["policy", "explain", "--data-dir", directory.path, "--token-file", tokenFile.path,
                                        "--group", "nats-demo"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("token: issuer \(idp.issuer), kid k1, ES256, sub 00u1"))
        #expect(result.stdout.contains("mapping: preferred_username = alice → SCIM userName"))
        #expect(result.stdout.contains("result: ALLOW into account APP"))
        #expect(!result.stdout.contains(token) && !result.stderr.contains(token), "the token is never printed")

        let wrongAudience = try await idp.token(TestOIDCIssuer.claims(audience: "other", subject: "00u1", ["preferred_username": "alice"]),
                                                kid: "k1")
        try Data(wrongAudience.utf8).write(to: tokenFile)
        let refused = try await CLI.run(["policy", "explain", "--data-dir", directory.path, "--token-file", tokenFile.path,
                                         "--group", "nats-demo"], environment: environment)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("token refused: token_invalid"))
        await idp.stop()
    }
}

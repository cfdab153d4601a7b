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

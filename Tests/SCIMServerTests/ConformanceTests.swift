import Foundation
import HummingbirdTesting
import SCIMServer
import Testing
import TestSupport

@Suite struct ConformanceTests {
    /// The PyPI `scim2` tester (scim2-cli + scim2-tester) against the live server: every check
    /// must be SUCCESS and the tool must exit 0. The tester fills group members with random ids,
    /// so the server keeps unknown members here (`scim.lenient_members`); the default refuses them.
    @Test func scim2TesterPassesEveryCheck() async throws {
        let fixture = try await ServerFixture(configuration: .init(passwordHasher: .testing, lenientMembers: true))
        let scim2 = try TestEnvironment.tool("scim2")
        try await fixture.application().test(.live) { client in
            let port = try #require(client.port)
            let result = try await runCommand(
                scim2, ["--url", "http://127.0.0.1:\(port)/scim/v2", "test"],
                environment: ["SCIM_CLI_HEADERS": "Authorization: Bearer \(fixture.token)", "NO_COLOR": "1"],
                timeout: .seconds(300))
            // One status line per check ("SUCCESS name", "ERROR name", …), details indented below.
            let lines = result.stdout.split(separator: "\n").map(String.init)
            let statusLines = lines.filter { $0.range(of: #"^[A-Z]+ \S"#, options: .regularExpression) != nil }
            let successes = statusLines.filter { $0.hasPrefix("SUCCESS ") }
            let failures = lines.indices.filter { !lines[$0].hasPrefix("SUCCESS ") && statusLines.contains(lines[$0]) }
                .map { lines[$0...min($0 + 3, lines.count - 1)].joined(separator: "\n") }
            if ProcessInfo.processInfo.environment["SCIM_CONFORMANCE_DUMP"] != nil {
                print(result.stdout, result.stderr)
            }
            #expect(result.status == 0, "scim2 exited \(result.status): \(result.stderr.suffix(2000))")
            #expect(successes.count >= 135, "expected at least 135 checks, got \(successes.count) SUCCESS lines")
            #expect(failures.isEmpty, "non-SUCCESS checks:\n\(failures.prefix(20).joined(separator: "\n"))")
        }
    }
}

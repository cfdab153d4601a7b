import Foundation
import Testing
import TestSupport

/// `decisions --cluster`'s refusals, which need no server: they come before any connect.
@Suite("decisions --cluster options")
struct DecisionsClusterCommandTests {
    @Test func clusterNeedsFollow() async throws {
        let directory = try TestEnvironment.temporaryDirectory("decisions-cluster")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await CLI.run(["decisions", "--cluster", "--data-dir", directory.path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--cluster needs --follow"))
    }

    @Test func sinceNeedsTheDecisionsStream() async throws {
        let directory = try TestEnvironment.temporaryDirectory("decisions-cluster")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await CLI.run(["decisions", "--follow", "--cluster", "--since", "1h", "--data-dir", directory.path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("replication.decisions_stream, which is not set"))
    }
}

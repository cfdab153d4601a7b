import Foundation
import Testing
import TestSupport

/// `scim-callout snapshots take|list|restore` against a real nats-server with JetStream.
@Suite("snapshots command", .serialized)
struct SnapshotsCommandTests {
    @Test func takeListAndRestoreGoThroughTheBucketAndKeepTheOldStore() async throws {
        let directory = try TestEnvironment.temporaryDirectory("snapshots-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let initResult = try await CLI.run(["init", "--data-dir", directory.path])
        #expect(initResult.status == 0, "\(initResult.stderr)")
        // init's service user (its nkey, from the nats-server.conf init wrote), in an account with JetStream.
        let conf = try String(contentsOf: directory.appendingPathComponent("nats-server.conf"), encoding: .utf8)
        let service = try #require(conf.firstMatch(of: /AUTH \{ users: \[ \{ nkey: (U[A-Z0-9]+) \}/)?.1)
        let server = try await NATSServerProcess.start(
            config: "accounts { AUTH { jetstream: enabled, users: [ { nkey: \(service) } ] } }", jetStream: true,
            label: "snapshots-cli")
        let environment = [
            "SCIM_CALLOUT_DATA_DIR": directory.path, "SCIM_CALLOUT_NATS_URLS": server.url,
            "SCIM_CALLOUT_REPLICATION_ENABLED": "true", "SCIM_CALLOUT_REPLICATION_REPLICAS": "1",
        ]
        do {
            let take = try await CLI.run(["snapshots", "take", "--json"], environment: environment)
            #expect(take.status == 0, "\(take.stderr)")
            let taken = try Self.objects(take.stdout)
            #expect(taken.count == 1)
            #expect(taken.first?["name"] == "snapshot-00000000000000000000.sqlite")
            #expect(taken.first?["sequence"] == "0")

            let list = try await CLI.run(["snapshots", "list"], environment: environment)
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.stdout.contains("snapshot-00000000000000000000.sqlite"))
            #expect(list.stdout.contains("SEQUENCE"))

            let restore = try await CLI.run(["snapshots", "restore", "--json"], environment: environment)
            #expect(restore.status == 0, "\(restore.stderr)")
            #expect(try Self.objects(restore.stdout).first?["name"] == "snapshot-00000000000000000000.sqlite")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(files.contains { $0.hasPrefix("scim-callout.sqlite.before-restore-") }, "\(files)")
            #expect(files.contains("scim-callout.sqlite"))

            var off = environment
            off["SCIM_CALLOUT_REPLICATION_ENABLED"] = "false"
            let refused = try await CLI.run(["snapshots", "list"], environment: off)
            #expect(refused.status == 78)
            #expect(refused.stderr.contains("replication is not enabled"))
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    /// The JSON lines of a `--json` output.
    static func objects(_ output: String) throws -> [[String: String]] {
        try output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        }
    }
}

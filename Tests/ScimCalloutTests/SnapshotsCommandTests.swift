import Foundation
import Testing
import TestSupport

/// `scim-callout snapshots take|list|restore` against a real nats-server with JetStream.
@Suite("snapshots command", .serialized)
struct SnapshotsCommandTests {
    /// Runs `init` in `directory` and returns its service user's nkey (from the
    /// nats-server.conf init wrote), for an account with JetStream.
    static func initialize(_ directory: URL) async throws -> String {
        let initResult = try await CLI.run(["init", "--data-dir", directory.path])
        #expect(initResult.status == 0, "\(initResult.stderr)")
        let conf = try String(contentsOf: directory.appendingPathComponent("nats-server.conf"), encoding: .utf8)
        return String(try #require(conf.firstMatch(of: /AUTH \{ users: \[ \{ nkey: (U[A-Z0-9]+) \}/)?.1))
    }

    @Test func takeListAndRestoreGoThroughTheBucketAndKeepTheOldStore() async throws {
        let directory = try TestEnvironment.temporaryDirectory("snapshots-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = try await Self.initialize(directory)
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

    @Test func serveRefusesToStartWhenTheStreamWasTrimmedAndNoSnapshotCoversTheGap() async throws {
        let directory = try TestEnvironment.temporaryDirectory("snapshots-serve")
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = try await Self.initialize(directory)
        let server = try await NATSServerProcess.start(
            config: "accounts { AUTH { jetstream: enabled, users: [ { nkey: \(service) }, { user: py, password: py } ] } }",
            jetStream: true, label: "snapshots-serve")
        do {
            // Another replica wrote 3 changes and the stream was trimmed past them; no snapshot exists.
            let python = try await runPython("""
                import asyncio, sys, nats
                async def main():
                    nc = await nats.connect(sys.argv[1], user="py", password="py")
                    js = nc.jetstream()
                    await js.add_stream(name="SCIM_CALLOUT", subjects=["scim-callout.changes"])
                    for i in range(3):
                        await js.publish("scim-callout.changes", b"{}")
                    await js.purge_stream("SCIM_CALLOUT")
                    print((await js.stream_info("SCIM_CALLOUT")).state.first_seq)
                    await nc.close()
                asyncio.run(main())
                """, arguments: [server.url])
            #expect(python.status == 0, "\(python.stderr)")
            #expect(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "4")

            let serve = try await CLI.run(["serve"], environment: [
                "SCIM_CALLOUT_DATA_DIR": directory.path, "SCIM_CALLOUT_NATS_URLS": server.url,
                "SCIM_CALLOUT_REPLICATION_ENABLED": "true", "SCIM_CALLOUT_REPLICATION_REPLICAS": "1",
                // Never bound: the bootstrap runs before the HTTP listener starts.
                "SCIM_CALLOUT_HTTP_LISTEN": "127.0.0.1:65530",
            ])
            #expect(serve.status == 69, "\(serve.stderr)")
            #expect(serve.stderr.contains("no snapshot covers sequences 1…3"), "\(serve.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(!files.contains("scim-callout.sqlite"), "no store was created: \(files)")
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

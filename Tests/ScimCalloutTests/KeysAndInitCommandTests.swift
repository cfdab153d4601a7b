import Foundation
import Testing
import TestSupport

@Suite("scim-callout keys and init")
struct KeysAndInitCommandTests {
    func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func generateWritesASeed0600AndPrintsOnlyThePublicKey() async throws {
        let directory = try TestEnvironment.temporaryDirectory("keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("issuer.nk")
        let result = try await CLI.run(["keys", "generate", "--type", "account", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let publicKey = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(publicKey.hasPrefix("A") && publicKey.count == 56)
        #expect(try mode(out) == 0o600)
        let seed = try String(contentsOf: out, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(seed.hasPrefix("SA"))
        #expect(!result.stdout.contains(seed))

        let inspect = try await CLI.run(["keys", "inspect", out.path])
        #expect(inspect.status == 0)
        #expect(inspect.stdout == "type: account\npublic key: \(publicKey)\n")
        #expect(!inspect.stdout.contains(seed))

        // The independent Python implementation derives the same public key from the seed.
        let python = try await runPython("""
            import sys, nkeys
            print(nkeys.from_seed(open(sys.argv[1], 'rb').read().strip()).public_key.decode())
            """, arguments: [out.path])
        #expect(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == publicKey, "\(python.stderr)")

        let again = try await CLI.run(["keys", "generate", "--out", out.path])
        #expect(again.status == 73)
        #expect(again.stderr.contains("--force"))
    }

    @Test func seedsArePrintedOnlyWhenAsked() async throws {
        let refused = try await CLI.run(["keys", "generate", "--type", "curve"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--show-seed"))
        let shown = try await CLI.run(["keys", "generate", "--type", "curve", "--show-seed"])
        #expect(shown.status == 0)
        let lines = shown.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("X") == true)
        #expect(lines.last?.hasPrefix("SX") == true)
    }

    @Test(arguments: [("UDCIBGGGHCJBQPOO4SCJJBHZDR37NQGGCIWMNG2DDAKJ6WMKBMAKXIMO", 0, "type: user"),
                      ("UDCIBGGGHCJBQPOO4SCJJBHZDR37NQGGCIWMNG2DDAKJ6WMKBMAKXIMA", 65, "not a valid public key")])
    func inspectChecksPublicKeys(key: String, status: Int32, output: String) async throws {
        let result = try await CLI.run(["keys", "inspect", key])
        #expect(result.status == status)
        #expect((result.stdout + result.stderr).contains(output))
    }

    @Test func inspectRejectsGarbageAndMissingFiles() async throws {
        let directory = try TestEnvironment.temporaryDirectory("keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.nk")
        try Data("SANOTASEED\n".utf8).write(to: bad)
        let garbage = try await CLI.run(["keys", "inspect", bad.path])
        #expect(garbage.status == 65)
        #expect(garbage.stderr.contains("not a valid nkey seed"))
        let missing = try await CLI.run(["keys", "inspect", directory.appendingPathComponent("none.nk").path])
        #expect(missing.status == 66)
    }

    @Test func initWritesMatchingFilesAndKeepsThem() async throws {
        let directory = try TestEnvironment.temporaryDirectory("init")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await CLI.run(["init", "--data-dir", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        for seed in ["issuer.nk", "xkey.nk", "service.nk", "sys.nk"] {
            #expect(try mode(directory.appendingPathComponent(seed)) == 0o600, "\(seed)")
        }
        let conf = try String(contentsOf: directory.appendingPathComponent("nats-server.conf"), encoding: .utf8)
        let issuer = try await CLI.run(["keys", "inspect", directory.appendingPathComponent("issuer.nk").path])
        let issuerKey = try #require(issuer.stdout.split(separator: "\n").last?.split(separator: " ").last)
        #expect(conf.contains("issuer: \(issuerKey)"))
        #expect(result.stdout.contains(String(issuerKey)))
        for seed in ["issuer.nk", "xkey.nk", "service.nk", "sys.nk"] {
            let text = try String(contentsOf: directory.appendingPathComponent(seed), encoding: .utf8)
            #expect(!conf.contains(text.trimmingCharacters(in: .whitespacesAndNewlines)), "no seed in nats-server.conf")
            #expect(!result.stdout.contains(text.trimmingCharacters(in: .whitespacesAndNewlines)), "no seed printed")
        }
        let check = try await CLI.run(["config", "check", "--config", directory.appendingPathComponent("config.yaml").path])
        #expect(check.status == 0, "\(check.stderr)")

        let refused = try await CLI.run(["init", "--data-dir", directory.path])
        #expect(refused.status == 73)
        #expect(refused.stderr.contains("--keep-existing"))
        let kept = try await CLI.run(["init", "--data-dir", directory.path, "--keep-existing"])
        #expect(kept.status == 0)
        #expect(kept.stdout.contains("issuer.nk: kept"))
        #expect(try String(contentsOf: directory.appendingPathComponent("nats-server.conf"), encoding: .utf8) == conf)
    }

    @Test func theGeneratedServerConfigurationStartsARealServer() async throws {
        let directory = try TestEnvironment.temporaryDirectory("init")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await CLI.run(["init", "--data-dir", directory.path]).status == 0)
        var conf = try String(contentsOf: directory.appendingPathComponent("nats-server.conf"), encoding: .utf8)
        // The harness chooses the listen port itself.
        conf = conf.replacingOccurrences(of: "listen: 127.0.0.1:4222\n", with: "")
        let server = try await NATSServerProcess.start(config: conf)
        defer { Task { try? await server.stop() } }
        #expect(server.log.contains("Server is ready"))
        #expect(!server.log.contains("[ERR]"))
    }
}

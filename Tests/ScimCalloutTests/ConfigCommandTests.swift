import Foundation
import Policy
import Testing
import TestSupport

@Suite("scim-callout version, help, config")
struct ConfigCommandTests {
    @Test func versionPrintsTheVersion() async throws {
        let result = try await CLI.run(["version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("scim-callout "))
        #expect(try await CLI.run(["--version"]).stdout == result.stdout.replacingOccurrences(of: "scim-callout ", with: ""))
    }

    @Test func helpListsCommandsAndExitCodes() async throws {
        let result = try await CLI.run(["--help"])
        #expect(result.status == 0)
        for word in ["serve", "config", "version", "Exit codes", "78 invalid configuration", "SCIM_CALLOUT_"] {
            #expect(result.stdout.contains(word), "--help misses \(word)")
        }
    }

    @Test(arguments: [["serve", "--help"], ["config", "check", "--help"], ["config", "keys", "--help"]])
    func subcommandHelp(arguments: [String]) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: scim-callout"))
    }

    @Test func unknownCommandIsAUsageError() async throws {
        let result = try await CLI.run(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("frobnicate"))
    }

    @Test func configKeysListsEveryEnvironmentVariable() async throws {
        let result = try await CLI.run(["config", "keys"])
        #expect(result.status == 0)
        for variable in ["SCIM_CALLOUT_NATS_URLS", "SCIM_CALLOUT_NATS_PASSWORD", "SCIM_CALLOUT_LOG_FORMAT",
                         "SCIM_CALLOUT_DECISIONS_RETENTION", "SCIM_CALLOUT_KEYS_XKEY_SEED_FILE"] {
            #expect(result.stdout.contains(variable))
        }
    }

    @Test func configCheckNamesTheBadKeyAndExits78() async throws {
        let directory = try TestEnvironment.temporaryDirectory("cfg")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("config.yaml")
        try Data("nats:\n  urls: [nats://127.0.0.1:4222]\njwt:\n  lifetime: soon\n".utf8).write(to: file)
        let result = try await CLI.run(["config", "check", "--config", file.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("jwt.lifetime (config.yaml:4)"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func configCheckAppliesEnvironmentOverrides() async throws {
        let directory = try TestEnvironment.temporaryDirectory("cfg")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let ok = try await CLI.run(["config", "check", "--data-dir", directory.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("configuration ok\nissuer: A"))
        let bad = try await CLI.run(["config", "check", "--data-dir", directory.path],
                                    environment: ["SCIM_CALLOUT_LOG_LEVEL": "chatty"])
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("log.level (SCIM_CALLOUT_LOG_LEVEL)"))
    }

    @Test func configCheckSaysHowToCreateMissingKeys() async throws {
        let directory = try TestEnvironment.temporaryDirectory("cfg")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await CLI.run(["config", "check", "--data-dir", directory.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("keys.issuer_seed_file"))
        #expect(result.stderr.contains("scim-callout init"))
    }

    @Test func configCheckRejectsASeedOfTheWrongType() async throws {
        let directory = try TestEnvironment.temporaryDirectory("cfg")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let result = try await CLI.run(["config", "check", "--data-dir", directory.path],
                                       environment: ["SCIM_CALLOUT_KEYS_ISSUER_SEED_FILE": "service.nk"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("keys.issuer_seed_file"))
        #expect(result.stderr.contains("holds a user seed; expected account"))
        let seed = try String(contentsOf: directory.appendingPathComponent("service.nk"), encoding: .utf8)
        #expect(!result.stderr.contains(seed.trimmingCharacters(in: .whitespacesAndNewlines)), "never print a seed")
    }

    @Test func configCheckReportsPolicyErrorsWithTheirLine() async throws {
        let directory = try TestEnvironment.temporaryDirectory("cfg")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        try Data("version: 1\naccount: APP\nbindings:\n  - group: g\n    publsh: [x]\n".utf8)
            .write(to: directory.appendingPathComponent("policy.yaml"))
        let result = try await CLI.run(["config", "check", "--data-dir", directory.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("policy.file"))
        #expect(result.stderr.contains("5:"), "\(result.stderr)")
    }

    @Test func aMissingConfigFileIsAConfigurationError() async throws {
        let result = try await CLI.run(["config", "check", "--config", "/nonexistent/config.yaml"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("/nonexistent/config.yaml"))
    }
}

import Foundation
import Testing
import TestSupport

@Suite("scim-callout tokens")
struct TokensCommandTests {
    @Test func scimTokensIssueListRevoke() async throws {
        let directory = try TestEnvironment.temporaryDirectory("tokens")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let issued = try await CLI.run(["tokens", "issue", "--data-dir", directory.path, "--scim", "--name", "okta"])
        #expect(issued.status == 0, "\(issued.stderr)")
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("scimtok_"))
        #expect(issued.stderr.contains("shown only now"))

        let list = try await CLI.run(["tokens", "list", "--data-dir", directory.path, "--scim", "--json"])
        #expect(list.status == 0)
        #expect(!list.stdout.contains(token), "list never shows token values")
        let row = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: String])
        #expect(row["name"] == "okta")
        #expect(row["state"] == "valid")
        let id = try #require(row["id"])

        let revoked = try await CLI.run(["tokens", "revoke", "--data-dir", directory.path, "--scim", id])
        #expect(revoked.status == 0)
        let after = try await CLI.run(["tokens", "list", "--data-dir", directory.path, "--scim"])
        #expect(after.stdout.contains("revoked"))
        let unknown = try await CLI.run(["tokens", "revoke", "--data-dir", directory.path, "--scim", "nope"])
        #expect(unknown.status == 66)
    }

    @Test func natsTokensNeedAnExistingUser() async throws {
        let directory = try TestEnvironment.temporaryDirectory("tokens")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let missing = try await CLI.run(["tokens", "issue", "--data-dir", directory.path, "--nats", "--user", "ghost",
                                         "--name", "laptop"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no user with userName ghost"))
    }

    @Test(arguments: [
        (["tokens", "issue", "--name", "x"], "choose one of --scim or --nats"),
        (["tokens", "issue", "--scim", "--nats", "--name", "x"], "choose one of --scim or --nats"),
        (["tokens", "issue", "--nats", "--name", "x"], "--nats needs --user"),
        (["tokens", "issue", "--nats", "--user", "a", "--name", "x", "--expires-in", "soon"], "not a duration"),
    ])
    func usageErrorsExit64(arguments: [String], message: String) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}

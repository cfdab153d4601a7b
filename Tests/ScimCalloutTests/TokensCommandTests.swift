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
        let row = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        #expect(row["name"] as? String == "okta")
        #expect(row["state"] as? String == "valid")
        #expect(row["kind"] as? String == "scim")
        // Absent values are null, never the table's "-" or "never".
        #expect(row["user"] is NSNull && row["expires"] is NSNull && row["revoked"] is NSNull)
        #expect(row["last_used"] is NSNull)
        let id = try #require(row["id"] as? String)

        let revoked = try await CLI.run(["tokens", "revoke", "--data-dir", directory.path, "--scim", id])
        #expect(revoked.status == 0)
        let after = try await CLI.run(["tokens", "list", "--data-dir", directory.path, "--scim"])
        #expect(after.stdout.contains("revoked"))
        let afterJSON = try await CLI.run(["tokens", "list", "--data-dir", directory.path, "--scim", "--json"])
        let revokedRow = try #require(try JSONSerialization.jsonObject(with: Data(afterJSON.stdout.utf8)) as? [String: Any])
        #expect(revokedRow["state"] as? String == "revoked")
        #expect((revokedRow["revoked"] as? String).flatMap { try? Date($0, strategy: .iso8601) } != nil)
        let unknown = try await CLI.run(["tokens", "revoke", "--data-dir", directory.path, "--scim", "nope"])
        #expect(unknown.status == 66)
    }

    @Test func scimTokensExpireRotateAndListTheirLastUse() async throws {
        let directory = try TestEnvironment.temporaryDirectory("tokens")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let issued = try await CLI.run(["tokens", "issue", "--data-dir", directory.path, "--scim", "--name", "okta",
                                        "--expires-in", "90d", "--quiet"])
        #expect(issued.status == 0, "\(issued.stderr)")
        let old = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let rotated = try await CLI.run(["tokens", "rotate", "--data-dir", directory.path, "okta", "--overlap", "7d"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let new = rotated.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(new.hasPrefix("scimtok_") && new != old)
        #expect(rotated.stderr.contains("shown only now") && rotated.stderr.contains("keeps working until"))
        #expect(!rotated.stderr.contains(new) && !rotated.stderr.contains(old), "stderr never carries a secret")

        let list = try await CLI.run(["tokens", "list", "--data-dir", directory.path, "--scim", "--json"])
        let rows = list.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(rows.count == 2)
        #expect(rows.allSatisfy {
            $0["name"] as? String == "okta" && $0["state"] as? String == "valid" && $0["last_used"] is NSNull
        })
        let expiries = rows.compactMap { $0["expires"] as? String }.compactMap { try? Date($0, strategy: .iso8601) }
        let sorted = expiries.sorted()
        #expect(sorted.count == 2)
        if sorted.count == 2 {
            // The old one ends with the overlap (7 days), the successor keeps the 90-day lifetime.
            #expect(abs(sorted[0].timeIntervalSinceNow - 7 * 86_400) < 600)
            #expect(abs(sorted[1].timeIntervalSinceNow - 90 * 86_400) < 600)
        }
        let table = try await CLI.run(["tokens", "list", "--data-dir", directory.path, "--scim"])
        #expect(table.stdout.contains("LAST_USED"))

        let unknown = try await CLI.run(["tokens", "rotate", "--data-dir", directory.path, "nobody", "--overlap", "1d"])
        #expect(unknown.status == 66)
        #expect(unknown.stderr.contains("no valid SCIM token named nobody"))
    }

    @Test func tokenCommandsSayTheyChangeOneReplicaWhenReplicationIsOn() async throws {
        let directory = try TestEnvironment.temporaryDirectory("tokens")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let replicated = ["SCIM_CALLOUT_REPLICATION_ENABLED": "true", "SCIM_CALLOUT_REPLICATION_REPLICA_ID": "r1"]
        let issued = try await CLI.run(["tokens", "issue", "--data-dir", directory.path, "--scim", "--name", "okta", "--quiet"],
                                       environment: replicated)
        #expect(issued.status == 0, "\(issued.stderr)")
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(issued.stderr.contains("tokens are not replicated: this changes replica r1 only"))
        #expect(!token.isEmpty && !issued.stderr.contains(token), "stderr never carries a secret")

        let single = try await CLI.run(["tokens", "issue", "--data-dir", directory.path, "--scim", "--name", "okta2", "--quiet"])
        #expect(single.status == 0)
        #expect(!single.stderr.contains("replicat"), "no warning on a single node")
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
        (["tokens", "issue", "--scim", "--name", "x", "--expires-in", "0d"], "must be longer than zero"),
        (["tokens", "issue", "--scim", "--user", "a", "--name", "x"], "--user applies to --nats tokens only"),
        (["tokens", "rotate", "okta"], "Missing expected argument '--overlap"),
        (["tokens", "rotate", "okta", "--overlap", "a week"], "--overlap a week is not a duration"),
    ])
    func usageErrorsExit64(arguments: [String], message: String) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}

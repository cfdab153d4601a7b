import Foundation
import IdentityStore
import JSON
import Testing
import TestSupport

/// `audit deprovisioning` and `audit user` against a real stack (`serve`, nats-server from
/// `init`'s configuration, an IdP played by SCIM requests, nats-py clients): they tell exactly
/// what happened, and an allowed connect after a deactivation is flagged with a non-zero exit.
@Suite("scim-callout audit proves deprovisioning")
struct AuditCommandTests {
    @Test func deprovisioningAndTimelineTellTheStoryAndALateAllowIsFlagged() async throws {
        let directory = try TestEnvironment.temporaryDirectory("audit")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let token = try await ServeFixture.scimToken(directory, name: "okta-audit")
        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        let (serve, port) = try await ServeFixture.startServe(directory, nats: nats)

        // Provision alice in nats-demo, connect (allowed), deactivate, reconnect (denied).
        let result = try await runPython("""
            \(PythonSCIMClient.preamble)
            _, user = scim("POST", "Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "alice",
                                             "password": "alice-pw", "active": True})
            scim("POST", "Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                    "displayName": "nats-demo", "members": [{"value": user["id"]}]})
            async def main():
                print(user["id"])
                print(await attempt())
                print(patch("Users/" + user["id"], [{"op": "replace", "value": {"active": False}}]))
                print(await attempt())
            asyncio.run(main())
            """, arguments: [nats.url, String(port), token], timeout: .seconds(60))
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.dropFirst() == ["allowed", "200", "denied"], "\(result.stderr)\n\(serve.output)")
        let userId = try #require(lines.first)

        // The decision log is written in batches, the revocation after the change feed's next poll.
        let database = try ServeFixture.openStore(directory)
        // Rows, not lines: when nats-server reports the first connection's close late, the
        // deactivation also cuts it and adds a `revoke` row.
        try await pollUntil("the allow and the deny in the decision log", timeout: .seconds(60), interval: .milliseconds(100)) {
            guard let listed = try? await CLI.run(["decisions", "--data-dir", directory.path, "--json"]) else { return false }
            let results = listed.stdout.split(separator: "\n").compactMap { line in
                (try? JSONValue.decode(Array(line.utf8)))?[attribute: "result"]?.stringValue
            }
            return results.filter { $0 != "revoke" }.sorted() == ["allow", "deny"]
        }
        try await pollUntil("the revocation in identity history", timeout: .seconds(60), interval: .milliseconds(100)) {
            try await database.historyEntries(resource: userId).contains { $0.kind == .sessionsCut }
        }

        // audit deprovisioning: one deactivation, by okta-audit, sessions cut, the allow before, none after.
        let audit = try await CLI.run(["audit", "deprovisioning", "--since", "1h", "--format", "json",
                                       "--data-dir", directory.path])
        #expect(audit.status == 0, "\(audit.stderr)")
        let report = try JSONValue.decode(Array(audit.stdout.utf8))
        #expect(report[attribute: "schema"]?.stringValue == "scim-callout.audit.deprovisioning/v1")
        #expect(report[attribute: "flagged"]?.integerValue == 0)
        let events = try #require(report[attribute: "events"]?.arrayValue)
        #expect(events.count == 1, "\(audit.stdout)")
        let event = try #require(events.first)
        #expect(event[attribute: "change"]?.stringValue == "deactivated")
        #expect(event[attribute: "userName"]?.stringValue == "alice")
        #expect(event[attribute: "author"]?.stringValue == "okta-audit")
        #expect(event[attribute: "sessionsCut"]?.integerValue != nil)
        #expect(event[attribute: "sessionsCutAfterSeconds"] != nil)
        #expect(event[attribute: "lastAllowBefore"]?[attribute: "decisionId"]?.stringValue != nil)
        #expect(event[attribute: "allowsAfter"]?.arrayValue?.isEmpty == true)
        #expect(event[attribute: "flagged"] == .bool(false))
        let text = try await CLI.run(["audit", "deprovisioning", "--data-dir", directory.path])
        #expect(text.status == 0 && text.stdout.contains("deactivated") && text.stdout.contains("okta-audit"), "\(text.stdout)")
        #expect(!text.stdout.contains("FLAGGED"))

        // audit user: created, joined nats-demo, allowed, deactivated, denied, in that order.
        let timeline = try await CLI.run(["audit", "user", "alice", "--format", "json", "--data-dir", directory.path])
        #expect(timeline.status == 0, "\(timeline.stderr)")
        let story = try JSONValue.decode(Array(timeline.stdout.utf8))
        #expect(story[attribute: "schema"]?.stringValue == "scim-callout.audit.user/v1")
        let steps = (story[attribute: "events"]?.arrayValue ?? []).compactMap { step -> String? in
            guard let source = step[attribute: "source"]?.stringValue, let kind = step[attribute: "kind"]?.stringValue
            else { return nil }
            return source == "revocation" ? nil : "\(source):\(kind)"
        }
        #expect(steps == ["change:create", "change:membership", "decision:allow", "change:update", "decision:deny"],
                "\(timeline.stdout)")
        #expect(timeline.stdout.contains("\"sessions_cut\""))
        #expect(!timeline.stdout.contains("alice-pw") && !timeline.stdout.contains("argon2"))

        // An allowed connect recorded after the deactivation (as a broken callout would) is flagged.
        let deactivated = try #require(try await database.historyEntries(resource: userId).first { $0.kind == .update }?.at)
        let decisions = try DecisionStore.open(path: directory.appendingPathComponent("decisions.sqlite").path)
        try await decisions.append([DecisionRecord(
            time: deactivated.addingTimeInterval(1), result: .allow, reason: .allowed, userName: "alice", userID: userId,
            grantedBy: ["nats-demo"], authMethod: .password, detail: "injected by the test")])
        let flagged = try await CLI.run(["audit", "deprovisioning", "--format", "json", "--data-dir", directory.path])
        #expect(flagged.status == 3, "\(flagged.stderr)")
        #expect(flagged.stderr.contains("FLAGGED"))
        let flaggedReport = try JSONValue.decode(Array(flagged.stdout.utf8))
        #expect(flaggedReport[attribute: "flagged"]?.integerValue == 1)
        let flaggedEvent = flaggedReport[attribute: "events"]?.arrayValue?.first
        #expect(flaggedEvent?[attribute: "flagged"] == .bool(true))
        #expect(flaggedEvent?[attribute: "allowsAfter"]?.arrayValue?.count == 1)
        let flaggedText = try await CLI.run(["audit", "deprovisioning", "--data-dir", directory.path])
        #expect(flaggedText.status == 3)
        #expect(flaggedText.stdout.contains("FLAGGED: alice was allowed at"), "\(flaggedText.stdout)")

        #expect(try await serve.stop(signal: SIGTERM) == 0, "\(serve.output)")
    }
}

private extension JSONValue {
    /// The member `name` of an object (exact name: the audit JSON's keys are fixed).
    subscript(attribute name: String) -> JSONValue? { objectValue?[name] }
}

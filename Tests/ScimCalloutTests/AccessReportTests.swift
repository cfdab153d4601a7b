import Foundation
import IdentityStore
import Logging
import Policy
@testable import scim_callout
import Testing
import TestSupport

/// `access report` against `policy explain` and a brute-force subject oracle, on a generated
/// population of 200 users in a real store, through the built binary.
@Suite("scim-callout access report", .serialized)
struct AccessReportTests {
    static let policy = """
        version: 1
        account: APP
        default_binding:
          subscribe: ["public.>"]
        bindings:
          - name: developers
            group: developers
            publish:
              allow: ["app.{{userName}}.>", "app.shared.>"]
              deny: ["app.shared.admin.>"]
            subscribe: ["app.>", "_INBOX.>"]
          - group: readers
            subscribe: ["app.*.events", "public.>"]
          - group: writers
            publish: ["app.*.events", "orders.*"]
            subscribe:
              allow: ["orders.>"]
              deny: ["orders.secret"]
          - group: ops
            publish: [">"]
            subscribe: [">"]
          - group: auditors
            subscribe:
              allow: [">"]
              deny: ["app.shared.admin.>", "orders.*"]
          - group: partners
            account: PARTNER
            publish: ["partner.{{group}}.>"]
            subscribe: ["partner.{{group}}.>"]

        """
    static let groups = ["developers", "readers", "writers", "ops", "auditors", "partners",
                         "=HYPERLINK(\"http://x\")", "sales, emea", "unbound"]
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// A data folder with the policy and 200 users (about a tenth inactive) in random groups.
    static func population(_ directory: URL) async throws -> [String] {
        try await ServeFixture.prepare(directory)
        try Data(policy.utf8).write(to: directory.appendingPathComponent("policy.yaml"))
        let store = try IdentityDatabase.open(path: directory.appendingPathComponent("scim-callout.sqlite").path, logger: quiet)
        var random = SeededGenerator(seed: 18)
        var members: [String: [MemberInput]] = [:]
        var names: [String] = []
        for index in 0 ..< 200 {
            let name = String(format: "user-%03d", index)
            let user = try await store.createUser(UserInput(
                userName: name, active: Int.random(in: 0 ..< 10, using: &random) != 0,
                resource: #"{"userName":"\#(name)"}"#))
            names.append(name)
            for group in groups where Int.random(in: 0 ..< 4, using: &random) == 0 {
                members[group, default: []].append(MemberInput(value: user.id, type: "User"))
            }
        }
        for group in groups {
            _ = try await store.createGroup(GroupInput(displayName: group, resource: "{}"), members: members[group] ?? [])
        }
        return names
    }

    static func report(_ directory: URL, _ extra: [String] = []) async throws -> [String: Any] {
        let result = try await CLI.run(["access", "report", "--data-dir", directory.path, "--format", "json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func everyUserAgreesWithPolicyExplainAndEverySubjectWithBruteForce() async throws {
        let directory = try TestEnvironment.temporaryDirectory("access")
        defer { try? FileManager.default.removeItem(at: directory) }
        let names = try await Self.population(directory)
        let configuration = try ConfigOptions.parse(["--data-dir", directory.path]).load()
        let policy = try PolicyParser.parse(Self.policy)
        let context = ConnectContext(host: "127.0.0.1", kind: "Client", type: "nats", now: Date())

        let document = try await Self.report(directory)
        let users = try #require(document["users"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: users.compactMap { user in (user["userName"] as? String).map { ($0, user) } })

        // Every active user, checked against `policy explain`'s own path (the store read, then explain).
        var active = 0
        var grants: [String: EffectivePermissions] = [:]
        for name in names {
            let subject = try await StoreAccess.policySubject(userName: name, configuration: configuration)
            let identity = try #require(try StoreAccess.open(configuration).identity(for: .userName(name)))
            guard identity.active else {
                #expect(byName[name] == nil, "\(name) is inactive and not reported")
                continue
            }
            active += 1
            let entry = try #require(byName[name], "\(name) is missing from the report")
            let explained = ExplainText(policy.explain(subject, context: context).joined(separator: "\n"))
            #expect(entry["groups"] as? [String] == subject.groups.map(\.displayName), "\(name)")
            if let account = explained.account {
                #expect(entry["result"] as? String == "allow" && entry["account"] as? String == account, "\(name)")
                #expect(Self.lists(entry["publish"]) == explained.publish, "\(name) publish")
                #expect(Self.lists(entry["subscribe"]) == explained.subscribe, "\(name) subscribe")
                grants[name] = policy.evaluate(subject, context: context).permissions
            } else {
                #expect(entry["result"] as? String == "deny" && entry["reason"] as? String == explained.denial, "\(name)")
            }
        }
        #expect(users.count == active && active > 150)
        #expect(grants.count > 100 && grants.count < active, "both allowed and denied users")

        // The binary's explain prints what the in-process explain does (a sample of users).
        for name in names.prefix(8) {
            let cli = try await CLI.run(["policy", "explain", "--data-dir", directory.path, "--user", name])
            let subject = try await StoreAccess.policySubject(userName: name, configuration: configuration)
            let lines = policy.explain(subject, context: context).map(DisplayText.escaped)
            #expect(cli.stdout == lines.joined(separator: "\n") + "\n", "\(name)")
        }

        // --subject: who may publish/subscribe, against an enumeration of concrete subjects.
        let queries = ["app.shared.x", "app.shared.>", "app.shared.admin.keys", "app.*.events", "app.user-007.logs",
                       "orders.secret", "orders.>", "orders.*", "public.news", "partner.partners.a", ">", "_INBOX.x"]
        for query in queries {
            let answer = try await Self.report(directory, ["--subject", query])
            #expect(answer["subject"] as? String == query)
            var got: [String: (Bool, Bool)] = [:]
            for user in answer["users"] as? [[String: Any]] ?? [] {
                let reach = user["subject"] as? [String: Any]
                let flag = { (key: String) in (reach?[key] as? [String: Any])?["allowed"] as? Bool ?? false }
                got[user["userName"] as? String ?? ""] = (flag("publish"), flag("subscribe"))
            }
            let oracle = BruteForceSubjects(query: query, policyText: Self.policy)
            var expected: [String: (Bool, Bool)] = [:]
            for (name, grant) in grants {
                let publish = oracle.allows(grant.publish)
                let subscribe = oracle.allows(grant.subscribe)
                if publish || subscribe { expected[name] = (publish, subscribe) }
            }
            #expect(Set(got.keys) == Set(expected.keys), "\(query)")
            for (name, flags) in expected {
                #expect(got[name].map { $0 == flags } == true, "\(query): \(name)")
            }
        }
    }

    @Test func csvIsRFC4180WithFormulasDefusedAndJSONHasTheDocumentedShape() async throws {
        let directory = try TestEnvironment.temporaryDirectory("access")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await Self.population(directory)

        let csv = try await CLI.run(["access", "report", "--data-dir", directory.path, "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let records = try CSVText.records(csv.stdout)
        let header = try #require(records.first)
        #expect(header == ["user_name", "user_id", "groups", "result", "reason", "account", "granted_by",
                           "publish_allow", "publish_deny", "subscribe_allow", "subscribe_deny"])
        #expect(records.dropFirst().allSatisfy { $0.count == header.count })
        let groupCells = records.dropFirst().map { $0[2] }
        #expect(groupCells.contains { $0.hasPrefix("'=HYPERLINK") }, "a formula-looking value is defused")
        #expect(!groupCells.contains { $0.hasPrefix("=") })
        #expect(groupCells.contains { $0.contains("sales, emea") }, "a comma survives quoting")
        #expect(csv.stdout.contains(#""'=HYPERLINK(""http://x"")"#), "quotes are doubled inside a quoted field")

        let subjectCSV = try await CLI.run(["access", "report", "--data-dir", directory.path, "--format", "csv",
                                            "--subject", "orders.>"])
        #expect(try CSVText.records(subjectCSV.stdout).first?.suffix(5)
                == ["subject", "may_publish", "may_subscribe", "publish_exceptions", "subscribe_exceptions"])

        let document = try await Self.report(directory, ["--subject", "orders.>"])
        #expect(Set(document.keys) == ["schema", "generatedAt", "asOf", "policy", "connect", "subject", "users"])
        #expect(document["schema"] as? String == "scim-callout.access-report.v1")
        #expect(document["asOf"] is NSNull)
        let policy = try #require(document["policy"] as? [String: Any])
        #expect(policy["sha256"] as? String == PolicyRevision.sha256(of: Data(Self.policy.utf8)))
        #expect(policy["source"] as? String == "file")
        let user = try #require((document["users"] as? [[String: Any]])?.first)
        #expect(Set(user.keys) == ["id", "userName", "groups", "result", "reason", "detail", "account", "grantedBy",
                                   "publish", "subscribe", "subject"])
        let reach = try #require((user["subject"] as? [String: Any])?["subscribe"] as? [String: Any])
        #expect(Set(reach.keys) == ["allowed", "allowedBy", "deniedBy", "exceptions"])

        let text = try await CLI.run(["access", "report", "--data-dir", directory.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("active users:"))
        let table = try await CLI.run(["access", "report", "--data-dir", directory.path, "--subject", "orders.secret"])
        #expect(table.stdout.contains("USER") && table.stdout.contains("SUBSCRIBE"))

        let bad = try await CLI.run(["access", "report", "--data-dir", directory.path, "--subject", "orders.>.x"])
        #expect(bad.status == 64 && bad.stderr.contains("is not a NATS subject"))
    }

    @Test func asOfAnswersFromTheIdentityAndPolicyHistories() async throws {
        let directory = try TestEnvironment.temporaryDirectory("access")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let store = try IdentityDatabase.open(path: directory.appendingPathComponent("scim-callout.sqlite").path, logger: Self.quiet)
        let before = Date().addingTimeInterval(-60)
        let old = Data("account: APP\nbindings:\n  - group: readers\n    subscribe: [\"old.>\"]\n".utf8)
        let new = Data("account: APP\nbindings:\n  - group: readers\n    subscribe: [\"new.>\"]\n".utf8)
        try await store.recordPolicyLoad(old, at: Date())
        let alice = try await store.createUser(UserInput(userName: "alice", resource: #"{"userName":"alice"}"#))
        let bob = try await store.createUser(UserInput(userName: "bob", resource: #"{"userName":"bob"}"#))
        let readers = try await store.createGroup(GroupInput(displayName: "readers", resource: "{}"),
                                                  members: [MemberInput(value: alice.id, type: "User")])
        let moment = try await pollUntilLater(than: Date())
        _ = try await store.updateGroup(id: readers.id) { group in
            GroupUpdate(input: GroupInput(displayName: group.displayName, resource: "{}"),
                        members: .replace([MemberInput(value: bob.id, type: "User")]))
        }
        try await store.recordPolicyLoad(new, at: Date())
        try Data(new).write(to: directory.appendingPathComponent("policy.yaml"))

        let then = try await Self.report(directory, ["--as-of", Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(moment)])
        let thenPolicy = try #require(then["policy"] as? [String: Any])
        #expect(thenPolicy["source"] as? String == "history")
        #expect(thenPolicy["sha256"] as? String == PolicyRevision.sha256(of: old))
        let thenUsers = try #require(then["users"] as? [[String: Any]])
        let thenAlice = try #require(thenUsers.first { $0["userName"] as? String == "alice" })
        #expect(Self.lists(thenAlice["subscribe"])?.allow == ["old.>"])
        #expect(thenUsers.first { $0["userName"] as? String == "bob" }?["result"] as? String == "deny")

        let now = try await Self.report(directory)
        let nowUsers = try #require(now["users"] as? [[String: Any]])
        #expect(Self.lists(nowUsers.first { $0["userName"] as? String == "bob" }?["subscribe"])?.allow == ["new.>"])
        #expect(nowUsers.first { $0["userName"] as? String == "alice" }?["result"] as? String == "deny")

        let early = try await CLI.run(["access", "report", "--data-dir", directory.path, "--as-of",
                                       before.formatted(.iso8601)])
        #expect(early.status == 66)
        #expect(early.stderr.contains("identity history not available"), "\(early.stderr)")
    }

    /// The `allow`/`deny` lists of a JSON permission object.
    static func lists(_ value: Any?) -> ExplainText.Lists? {
        guard let object = value as? [String: Any], let allow = object["allow"] as? [String],
              let deny = object["deny"] as? [String] else { return nil }
        return ExplainText.Lists(allow: allow, deny: deny)
    }
}

/// Waits until the wall clock has passed `date` (history times have millisecond resolution),
/// then returns that later moment.
private func pollUntilLater(than date: Date) async throws -> Date {
    try await poll("the clock to pass \(date)", timeout: .seconds(5), interval: .milliseconds(2)) { () -> Date? in
        let now = Date()
        return now.timeIntervalSince(date) >= 0.01 ? now : nil
    }
}

import Foundation
import Testing
@testable import Policy

@Suite("Policy file parsing and validation")
struct PolicyParserTests {
    static let example = """
        version: 1
        account: APP
        jwt_lifetime: 1h
        time_zone: Europe/Berlin
        account_conflict: first
        default_binding:
          publish: ["public.{{userName}}.>"]
          subscribe: ["public.>", "_INBOX.>"]
          jwt_lifetime: 10m
        bindings:
          - name: devs
            group: developers
            publish:
              allow: ["app.{{userName}}.>", "app.shared.>"]
              deny: ["app.shared.admin.>"]
            subscribe: ["app.>", "_INBOX.>"]
            responses: { max: 1, ttl: 5s }
            connection_types: [standard, WEBSOCKET]
            time_windows:
              - { start: "08:00:00", end: "18:00:00" }
            source_cidrs: [10.0.0.0/8, "::1"]
            jwt_lifetime: 30m
          - external_id: 00g-ops
            account: OPS
            publish: [">"]
        """

    @Test func parsesEveryField() throws {
        let policy = try PolicyParser.parse(Self.example)
        #expect(policy.defaultAccount == "APP")
        #expect(policy.defaultJWTLifetime == .seconds(3600))
        #expect(policy.timeZone.identifier == "Europe/Berlin")
        #expect(policy.accountConflict == .first)
        let fallback = try #require(policy.defaultBinding)
        #expect(fallback.match == .noGroup)
        #expect(fallback.jwtLifetime == .seconds(600))
        #expect(policy.bindings.count == 2)
        let devs = policy.bindings[0]
        #expect(devs.name == "devs")
        #expect(devs.match == .displayName("developers"))
        #expect(devs.account == nil)
        #expect(devs.publish.allow.map(\.source) == ["app.{{userName}}.>", "app.shared.>"])
        #expect(devs.publish.deny.map(\.source) == ["app.shared.admin.>"])
        #expect(devs.subscribe.allow.map(\.source) == ["app.>", "_INBOX.>"])
        #expect(devs.responses == ResponseGrant(maxMessages: 1, expires: .seconds(5)))
        #expect(devs.connectionTypes == [.standard, .websocket])
        #expect(devs.timeWindows?.map(\.description) == ["08:00:00-18:00:00"])
        #expect(devs.sourceNetworks?.map(\.description) == ["10.0.0.0/8", "0:0:0:0:0:0:0:1/128"])
        #expect(devs.jwtLifetime == .seconds(1800))
        #expect(devs.line == 11)
        let ops = policy.bindings[1]
        #expect(ops.name == "00g-ops")
        #expect(ops.match == .externalId("00g-ops"))
        #expect(ops.account == "OPS")
    }

    @Test func minimalPolicyUsesSafeDefaults() throws {
        let policy = try PolicyParser.parse("account: APP\n")
        #expect(policy.accountConflict == .deny)
        #expect(policy.defaultBinding == nil)
        #expect(policy.defaultJWTLifetime == .seconds(3600))
        #expect(policy.bindings.isEmpty)
    }

    @Test func reportsEveryProblemWithItsLine() {
        let yaml = """
            account: APP
            bindings:
              - group: devs
                pubish: ["a.>"]
                subscribe:
                  allow: ["a..b", "ok.>"]
              - group: ops
                external_id: x
              - group: net
                source_cidrs: [10.0.0.0/33]
                time_windows: [{ start: "25:00:00", end: "01:00:00" }]
                jwt_lifetime: 2d
                connection_types: [CARRIER_PIGEON]
                responses: { max: 0 }
            """
        #expect {
            _ = try PolicyParser.parse(yaml, source: "policy.yaml")
        } throws: { error in
            guard let error = error as? PolicyError else { return false }
            let lines = error.issues.map(\.line)
            let text = error.description
            return lines == [4, 6, 7, 10, 11, 12, 13, 14]
                && text.contains("policy.yaml:4:5: unknown key 'pubish'")
                && text.contains("invalid subject 'a..b'")
                && text.contains("either 'group'")
                && text.contains("prefix length")
                && text.contains("25:00:00")
                && text.contains("jwt_lifetime '2d'")
                && text.contains("CARRIER_PIGEON")
                && text.contains("responses.max")
        }
    }

    @Test(arguments: [
        ("bindings: []\n", "missing required key 'account'"),
        ("account: [A]\n", "account must be a single value"),
        ("account: A.B\n", "must be one token"),
        ("account: APP\nversion: 2\n", "version must be 1"),
        ("account: APP\naccount_conflict: merge\n", "account_conflict must be one of"),
        ("account: APP\ntime_zone: Mars/Olympus\n", "unknown time zone"),
        ("account: APP\njwt_lifetime: 1s\n", "between 5s and 24h"),
        ("account: APP\nbindings: {a: 1}\n", "bindings must be a list"),
        ("account: APP\nbindings:\n  - name: x\n", "needs 'group'"),
        ("account: APP\ndefault_binding:\n  group: x\n", "unknown key 'group' in default_binding"),
        ("account: APP\ndefault_binding:\n  publish: ['{{group}}.>']\n", "'{{group}}' cannot be used in default_binding"),
        ("account: APP\nbindings:\n  - group: a\n  - group: a\n", "already used on line 3"),
        ("account: APP\naccount: OTHER\n", "duplicate"),
        ("account: APP\nbindings:\n  - group: a\n    publish: {allow: [a], deny: [b], extra: [c]}\n", "unknown key 'extra'"),
        ("account: APP\n  bad: indentation\n", "YAML syntax"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("", "must be a YAML mapping"),
    ])
    func rejectsInvalidFiles(_ yaml: String, _ fragment: String) {
        #expect {
            _ = try PolicyParser.parse(yaml)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }
}

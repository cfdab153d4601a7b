import Foundation
import Testing
@testable import Policy

@Suite("Effective permissions")
struct PolicyEvaluationTests {
    static let yaml = """
        account: APP
        bindings:
          - group: developers
            publish:
              allow: ["app.{{userName}}.>", "app.shared.>"]
              deny: ["app.shared.admin.>"]
            subscribe: ["app.>", "_INBOX.>"]
            responses: { max: 1, ttl: 5s }
            jwt_lifetime: 30m
          - group: readers
            subscribe:
              allow: ["app.>", "news.>"]
              deny: ["app.secret.>"]
          - group: office
            publish: ["office.>"]
            source_cidrs: [10.0.0.0/8]
          - group: daytime
            publish: ["day.>"]
            time_windows: [{ start: "08:00:00", end: "18:00:00" }]
          - group: ws
            publish: ["ws.>"]
            connection_types: [WEBSOCKET]
          - external_id: ext-ops
            name: ops
            account: OPS
            publish: [">"]
          - group: partial
            publish: ["p.{{externalId}}.>", "p.always"]
          - group: strict
            publish: ["s.>"]
            subscribe: { deny: ["s.{{externalId}}.>"] }
        """

    let policy: Policy
    init() throws { policy = try PolicyParser.parse(Self.yaml) }

    /// Noon UTC on a fixed day.
    static let noon = Date(timeIntervalSince1970: 1_767_225_600 + 12 * 3600)

    func subject(_ groups: String..., externalId: String? = nil, userName: String = "alice") -> PolicySubject {
        PolicySubject(userName: userName, id: "id-1", externalId: externalId,
                      groups: groups.map { PolicySubject.Group(displayName: $0, externalId: $0 == "OpsTeam" ? "ext-ops" : nil) })
    }

    func context(host: String = "127.0.0.1", type: String = "nats", at date: Date = Self.noon) -> ConnectContext {
        ConnectContext(host: host, kind: "Client", type: type, now: date)
    }

    @Test func singleGroupExpandsTemplates() throws {
        let grant = try policy.evaluate(subject("developers"), context: context()).result.get()
        #expect(grant.account == "APP")
        #expect(grant.publish == SubjectPermission(allow: ["app.alice.>", "app.shared.>"], deny: ["app.shared.admin.>"]))
        #expect(grant.subscribe == SubjectPermission(allow: ["app.>", "_INBOX.>"], deny: []))
        #expect(grant.responses == ResponseGrant(maxMessages: 1, expires: .seconds(5)))
        #expect(grant.lifetime == .seconds(1800))
        #expect(grant.connectionTypes == nil)
        #expect(grant.timeWindows == nil)
        #expect(grant.grantedBy == ["developers"])
    }

    @Test func unionOfAllowsAndDenies() throws {
        let grant = try policy.evaluate(subject("readers", "developers"), context: context()).result.get()
        // Policy order, not membership order; duplicates dropped.
        #expect(grant.grantedBy == ["developers", "readers"])
        #expect(grant.subscribe.allow == ["app.>", "_INBOX.>", "news.>"])
        // Deny from one group stays even though another group allows the wider subject: deny wins.
        #expect(grant.subscribe.deny == ["app.secret.>"])
        #expect(grant.lifetime == .seconds(1800))
    }

    @Test func nothingGrantedIsSpelledAsDenyAll() throws {
        // readers grant no publish permission: an empty allow list would mean "all" to nats-server.
        let grant = try policy.evaluate(subject("readers"), context: context()).result.get()
        #expect(grant.publish == SubjectPermission(allow: [], deny: [">"]))
        #expect(grant.lifetime == .seconds(3600))
    }

    @Test func userInNoBoundGroupIsDenied() {
        let evaluation = policy.evaluate(subject("unrelated"), context: context())
        #expect(evaluation.result == .failure(PolicyDenial(reason: .noBinding, detail: "user is in no bound group")))
        #expect(evaluation.trace.allSatisfy { $0.status == .notMember })
    }

    @Test func defaultBindingCatchesUsersInNoGroup() throws {
        let policy = try PolicyParser.parse("""
            account: APP
            default_binding:
              subscribe: ["public.>"]
            bindings:
              - group: developers
                publish: ["app.>"]
            """)
        let grant = try policy.evaluate(subject(), context: context()).result.get()
        #expect(grant.subscribe.allow == ["public.>"])
        #expect(grant.publish.deny == [">"])
        #expect(grant.grantedBy == ["default"])
        // A member of a bound group does not also get the default binding.
        let dev = try policy.evaluate(subject("developers"), context: context()).result.get()
        #expect(dev.grantedBy == ["developers"])
    }

    @Test func sourceNetworkFiltersTheBindingOnly() throws {
        let inside = try policy.evaluate(subject("office"), context: context(host: "10.2.3.4")).result.get()
        #expect(inside.publish.allow == ["office.>"])
        let outside = policy.evaluate(subject("office"), context: context(host: "192.0.2.1"))
        #expect((try? outside.result.get()) == nil)
        #expect(outside.trace.first { $0.binding == "office" }?.status == .sourceNotAllowed)
        if case let .failure(denial) = outside.result { #expect(denial.reason == .sourceNotAllowed) }
        // Another group still applies from outside: office's grant does not leak into it.
        let mixed = try policy.evaluate(subject("office", "readers"), context: context(host: "192.0.2.1")).result.get()
        #expect(mixed.grantedBy == ["readers"])
        #expect(!mixed.publish.allow.contains("office.>"))
    }

    @Test func timeWindowCapsTheLifetimeAndIsWrittenForTheServer() throws {
        let grant = try policy.evaluate(subject("daytime"), context: context()).result.get()
        // Noon, window ends 18:00: the JWT must expire when the window closes.
        #expect(grant.lifetime == .seconds(3600))
        let late = Date(timeIntervalSince1970: 1_767_225_600 + 17 * 3600 + 50 * 60)
        let lateGrant = try policy.evaluate(subject("daytime"), context: context(at: late)).result.get()
        #expect(lateGrant.lifetime == .seconds(600))
        #expect(lateGrant.timeWindows?.map(\.description) == ["08:00:00-18:00:00"])
        #expect(lateGrant.timeZone == "UTC")
        let night = Date(timeIntervalSince1970: 1_767_225_600 + 20 * 3600)
        let denied = policy.evaluate(subject("daytime"), context: context(at: night))
        if case let .failure(denial) = denied.result { #expect(denial.reason == .outsideTimeWindow) } else { Issue.record("allowed at night") }
    }

    @Test func connectionTypeFiltersBindings() throws {
        let denied = policy.evaluate(subject("ws"), context: context(type: "nats"))
        if case let .failure(denial) = denied.result { #expect(denial.reason == .connectionTypeNotAllowed) } else { Issue.record("allowed") }
        let grant = try policy.evaluate(subject("ws"), context: context(type: "websocket")).result.get()
        #expect(grant.connectionTypes == [.websocket])
        #expect(grant.publish.allow == ["ws.>"])
    }

    @Test func conflictingAccountsAreDeniedByDefault() {
        let evaluation = policy.evaluate(subject("developers", "OpsTeam"), context: context())
        guard case let .failure(denial) = evaluation.result else { Issue.record("allowed"); return }
        #expect(denial.reason == .accountConflict)
        #expect(denial.detail.contains("APP") && denial.detail.contains("OPS"))
    }

    @Test func firstBindingWinsWhenConfigured() throws {
        var policy = self.policy
        policy.accountConflict = .first
        let grant = try policy.evaluate(subject("OpsTeam", "developers"), context: context()).result.get()
        // developers comes first in the file, so APP wins and ops' ">" grant is not mixed in.
        #expect(grant.account == "APP")
        #expect(!grant.publish.allow.contains(">"))
        let evaluation = policy.evaluate(subject("OpsTeam", "developers"), context: context())
        #expect(evaluation.trace.first { $0.binding == "ops" }?.status == .otherAccount)
    }

    @Test func externalIdMatching() throws {
        let grant = try policy.evaluate(subject("OpsTeam"), context: context()).result.get()
        #expect(grant.account == "OPS")
        #expect(grant.grantedBy == ["ops"])
    }

    @Test func missingAttributeDropsAnAllowButDeniesOnADeny() throws {
        let partial = policy.evaluate(subject("partial"), context: context())
        #expect(try partial.result.get().publish.allow == ["p.always"])
        #expect(partial.trace.first { $0.binding == "partial" }?.droppedTemplates == ["p.{{externalId}}.>"])
        let withId = try policy.evaluate(subject("partial", externalId: "E1"), context: context()).result.get()
        #expect(withId.publish.allow == ["p.E1.>", "p.always"])
        let strict = policy.evaluate(subject("strict"), context: context())
        if case let .failure(denial) = strict.result { #expect(denial.reason == .policyTemplate) } else { Issue.record("allowed") }
    }

    @Test func hostileUserNameCannotWiden() throws {
        let grant = try policy.evaluate(subject("developers", userName: "*.>"), context: context()).result.get()
        #expect(grant.publish.allow.first == "app.%2A%2E%3E.>")
    }

    @Test func explainShowsEveryBindingAndTheResult() {
        let text = policy.explain(subject("developers", "office"), context: context(host: "192.0.2.1")).joined(separator: "\n")
        #expect(text.contains("developers (line 3, account APP): applied"))
        #expect(text.contains("office (line 14, account APP): skipped: client address not in source_cidrs"))
        #expect(text.contains("readers (line 10, account APP): not a member"))
        #expect(text.contains("publish allow: app.alice.> app.shared.>"))
        #expect(text.contains("result: ALLOW into account APP, JWT lifetime 30m"))
        #expect(text.contains("granted by: developers"))
        let denied = policy.explain(subject(), context: context()).joined(separator: "\n")
        #expect(denied.contains("result: DENY no_binding"))
    }

    @Test func explainKeepsEachValueOnItsLine() throws {
        let lines = policy.explain(subject("developers", userName: "eve\nresult: ALLOW into account SYS"),
                                   context: context(host: "192.0.2.1\r\u{1B}[2K"))
        // The forged result stays inside the user's line; the caller escapes that line.
        #expect(lines.filter { $0.hasPrefix("result:") }.count == 1)
        #expect(lines.first?.hasPrefix("user eve\nresult: ALLOW into account SYS") == true)
        #expect(lines.contains { $0.contains("host 192.0.2.1\r\u{1B}[2K") })
    }
}

import Foundation
import IdentityStore
import Logging
import Synchronization
import Testing
@testable import scim_callout

/// The deprovisioning report's rules, on in-memory stores: which connects after a change are
/// flagged (only until access is given back; for a group removal only those the group granted).
@Suite struct DeprovisioningAuditTests {
    final class TestClock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_900_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static func allow(_ userID: String, at time: Date, grantedBy: [String] = []) -> DecisionRecord {
        DecisionRecord(time: time, result: .allow, reason: .allowed, userName: "ada", userID: userID,
                       grantedBy: grantedBy, authMethod: .password)
    }

    @Test func anAllowAfterReactivationIsNotFlaggedButOneBeforeItIs() async throws {
        let clock = TestClock()
        let store = try IdentityDatabase.inMemory(logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() },
                                                  now: { clock.now })
        let decisions = try DecisionStore.inMemory(now: { clock.now })
        let start = clock.now
        let ada = try await store.createUser(UserInput(userName: "ada", resource: "{}"))
        clock.advance(10)
        _ = try await store.updateUser(id: ada.id) { _ in UserUpdate(input: UserInput(userName: "ada", active: false, resource: "{}")) }
        let deactivated = clock.now
        clock.advance(10)
        _ = try await store.updateUser(id: ada.id) { _ in UserUpdate(input: UserInput(userName: "ada", active: true, resource: "{}")) }
        let reactivated = clock.now
        try await decisions.append([
            Self.allow(ada.id, at: deactivated.addingTimeInterval(-5)),
            Self.allow(ada.id, at: reactivated.addingTimeInterval(1)),
        ])

        let clean = try await DeprovisioningAudit.build(since: start, now: clock.now, database: store, decisions: decisions)
        #expect(clean.events.map(\.change) == [.deactivated] && clean.flagged == 0)
        #expect(clean.events.first?.lastAllowBefore?.time == deactivated.addingTimeInterval(-5))

        try await decisions.append([Self.allow(ada.id, at: deactivated.addingTimeInterval(2))])
        let flagged = try await DeprovisioningAudit.build(since: start, now: clock.now, database: store, decisions: decisions)
        #expect(flagged.flagged == 1 && flagged.events.first?.allowsAfter.map(\.time) == [deactivated.addingTimeInterval(2)])
    }

    @Test func aGroupRemovalFlagsOnlyConnectsThatGroupGranted() async throws {
        let clock = TestClock()
        let store = try IdentityDatabase.inMemory(logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() },
                                                  now: { clock.now })
        let decisions = try DecisionStore.inMemory(now: { clock.now })
        let start = clock.now
        let ada = try await store.createUser(UserInput(userName: "ada", resource: "{}"))
        let ops = try await store.createGroup(GroupInput(displayName: "ops", resource: "{}"), members: [MemberInput(value: ada.id)])
        clock.advance(10)
        _ = try await store.updateGroup(id: ops.id) { _ in
            GroupUpdate(input: GroupInput(displayName: "ops", resource: "{}"), members: .delta(add: [], remove: [ada.id]))
        }
        let removed = clock.now
        try await decisions.append([
            Self.allow(ada.id, at: removed.addingTimeInterval(1), grantedBy: ["dev"]),
            Self.allow(ada.id, at: removed.addingTimeInterval(2), grantedBy: ["ops"]),
        ])
        let audit = try await DeprovisioningAudit.build(since: start, now: clock.now, database: store, decisions: decisions)
        let event = try #require(audit.events.first)
        #expect(audit.events.count == 1 && event.change == .removedFromGroups && event.groupsRemoved == ["ops"])
        #expect(event.allowsAfter.map(\.grantedBy) == [["ops"]] && audit.flagged == 1)
    }
}

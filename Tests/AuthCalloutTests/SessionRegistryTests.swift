import Foundation
import IdentityStore
import Testing
@testable import AuthCallout

@Suite("Session registry bounds")
struct SessionRegistryTests {
    static let fingerprint = IdentityFingerprint(Identity(id: "u", userName: "u"))

    func session(_ user: String, _ client: UInt64, expires: Date = Date(timeIntervalSince1970: 2_000_000_000)) -> AllowedSession {
        AllowedSession(serverID: "N1", clientID: client, userID: user, userName: user, account: "APP", expires: expires,
                       fingerprint: Self.fingerprint, groupIDs: ["g"])
    }

    @Test func keepsOnlyTheNewestSessionsPerUser() {
        let registry = SessionRegistry(sessionsPerUser: 3)
        for client in 1 ... 5 { registry.add(session("alice", UInt64(client))) }
        #expect(registry.user("alice")?.sessions.map(\.clientID) == [3, 4, 5])
        #expect(registry.sessionCount == 3)
    }

    @Test func stopsTrackingAtTheTotalCapAndCountsRemovals() {
        let registry = SessionRegistry(sessionsPerUser: 10, sessionCapacity: 4)
        for client in 1 ... 3 { registry.add(session("alice", UInt64(client))) }
        registry.add(session("bob", 10))
        registry.add(session("carol", 20))
        #expect(registry.sessionCount == 4)
        #expect(registry.user("carol") == nil, "beyond the cap a new user is not tracked")
        registry.remove("alice") { $0.clientID == 1 }
        #expect(registry.sessionCount == 3)
        registry.remove("bob")
        #expect(registry.sessionCount == 2)
        registry.add(session("carol", 20))
        #expect(registry.user("carol")?.sessions.count == 1)
    }

    @Test func pruneDropsExpiredSessionsAndEmptyUsers() {
        let registry = SessionRegistry()
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        registry.add(session("alice", 1, expires: now.addingTimeInterval(-1)))
        registry.add(session("alice", 2, expires: now.addingTimeInterval(60)))
        registry.add(session("bob", 3, expires: now.addingTimeInterval(-1)))
        registry.prune(now: now)
        #expect(registry.user("alice")?.sessions.map(\.clientID) == [2])
        #expect(registry.user("bob") == nil)
        #expect(registry.sessionCount == 1)
    }

    @Test func aNewerDecisionUpdatesTheUserInPlaceAndKeepsOlderSessions() {
        let registry = SessionRegistry()
        registry.add(session("alice", 1))
        var renamed = session("alice", 2)
        renamed.userName = "alice.new"
        renamed.fingerprint = IdentityFingerprint(Identity(id: "u", userName: "alice.new", version: 2))
        renamed.groupIDs = ["h"]
        registry.add(renamed)
        let user = registry.user("alice")
        #expect(user?.userName == "alice.new")
        #expect(user?.fingerprint == renamed.fingerprint)
        #expect(user?.groupIDs == ["h"])
        #expect(user?.sessions.map(\.clientID) == [1, 2])
        #expect(registry.users(inGroup: "h") == ["alice"])
    }

    @Test func pruneLeavesUsersWithNothingExpiredAlone() {
        let registry = SessionRegistry()
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        for n in 0 ..< 100 {
            registry.add(session("user\(n)", UInt64(n), expires: now.addingTimeInterval(n.isMultiple(of: 2) ? 60 : -1)))
        }
        registry.prune(now: now)
        #expect(registry.sessionCount == 50)
        #expect((0 ..< 100).filter { registry.user("user\($0)") != nil } == Array(stride(from: 0, to: 100, by: 2)))
    }
}

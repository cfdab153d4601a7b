import Foundation
import GRDB
import Synchronization
import Testing
@testable import IdentityStore

/// Identity history: every write path appends its entry in the change's transaction, with the
/// author's name, what changed and never a password; the table refuses UPDATE and DELETE except
/// retention pruning; replaying it reconstructs who was active in which groups at a past moment.
@Suite struct HistoryStoreTests {
    /// A wall clock the test moves.
    final class TestClock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_900_000_000))
        var now: Date { time.withLock { $0 } }
    }

    /// A store on an in-memory queue whose clock the test moves.
    struct Fixture {
        let store: IdentityDatabase
        let queue: DatabaseQueue
        let clock = TestClock()

        init() throws {
            queue = try DatabaseQueue(configuration: IdentityDatabase.configuration())
            store = try IdentityDatabase(queue, logger: quietLogger, now: { [clock] in clock.now })
        }

        var now: Date { clock.now }

        func advance(_ seconds: TimeInterval) {
            clock.time.withLock { $0 = $0.addingTimeInterval(seconds) }
        }

        /// Every stored `changes` JSON, as stored.
        func rawChanges() throws -> [String] {
            try queue.read { db in try String.fetchAll(db, sql: "SELECT changes FROM identity_history ORDER BY seq") }
        }
    }

    @Test func aUserCreateRecordsItsStateAndTheTokenName() async throws {
        // Given a SCIM token named "okta-prod"
        let fixture = try Fixture()
        let token = try await fixture.store.issueSCIMToken(name: "okta-prod")
        // When it creates a user with a password and an nkey
        let user = try await fixture.store.createUser(
            userInput("ada", externalId: "e-1", nkeys: ["UKEY1"]), passwordHash: "$argon2id$secret-hash",
            author: .scimToken(id: token.info.id))
        // Then one create entry names the token and the initial state, and no password or hash
        let entries = try await fixture.store.historyEntries(resource: user.id)
        let entry = try #require(entries.first)
        #expect(entries.count == 1)
        #expect(entry.kind == .create && entry.author == "okta-prod" && entry.authorTokenId == token.info.id)
        #expect(entry.resourceType == .user && entry.resourceName == "ada" && entry.at == fixture.now)
        #expect(entry.changes.active == FieldChange(from: nil, to: true))
        #expect(entry.changes.externalId?.to == "e-1")
        #expect(entry.changes.nkeysAdded == ["UKEY1"])
        #expect(entry.changes.passwordChanged == true)
        #expect(try fixture.rawChanges().allSatisfy { !$0.contains("argon2") && !$0.contains("secret-hash") })
    }

    @Test func aUserUpdateRecordsOnlyWhatChangedAndTheFactOfAPasswordChange() async throws {
        let fixture = try Fixture()
        let user = try await fixture.store.createUser(userInput("ada", nkeys: ["UKEY1"]))
        fixture.advance(60)
        // When a PATCH deactivates, renames, swaps the nkey and sets a password
        _ = try await fixture.store.updateUser(id: user.id, author: .local("patch-test")) { _ in
            UserUpdate(input: userInput("ada.l", active: false, nkeys: ["UKEY2"]), password: .set(hash: "$argon2id$h2"))
        }
        let entry = try #require(try await fixture.store.historyEntries(resource: user.id).last)
        #expect(entry.kind == .update && entry.author == "patch-test" && entry.resourceName == "ada.l")
        #expect(entry.changes.active == FieldChange(from: true, to: false))
        #expect(entry.changes.userName == FieldChange(from: "ada", to: "ada.l"))
        #expect(entry.changes.nkeysAdded == ["UKEY2"] && entry.changes.nkeysRemoved == ["UKEY1"])
        #expect(entry.changes.passwordChanged == true)
        #expect(entry.changes.externalId == nil && entry.changes.groupsAdded == nil)
        #expect(entry.isDeprovisioning)
        #expect(try fixture.rawChanges().allSatisfy { !$0.contains("argon2") })
        // And an update that keeps everything tracked records an entry with nothing in it
        _ = try await fixture.store.updateUser(id: user.id) { _ in
            UserUpdate(input: userInput("ada.l", active: false, emails: ["a@example.com"], nkeys: ["UKEY2"]))
        }
        let quiet = try #require(try await fixture.store.historyEntries(resource: user.id).last)
        #expect(quiet.kind == .update && quiet.changes == HistoryChanges() && !quiet.isDeprovisioning)
    }

    @Test func groupWritesRecordMembershipsOnBothTimelines() async throws {
        let fixture = try Fixture()
        let ada = try await fixture.store.createUser(userInput("ada"))
        let bob = try await fixture.store.createUser(userInput("bob"))
        // Create with a member
        let ops = try await fixture.store.createGroup(groupInput("ops"), members: [MemberInput(value: ada.id)],
                                                      author: .local("t"))
        // PATCH: add bob, remove ada
        _ = try await fixture.store.updateGroup(id: ops.id) { group in
            GroupUpdate(input: groupInput("ops"), members: .delta(add: [MemberInput(value: bob.id)], remove: [ada.id]))
        }
        // A PATCH that adds and removes the same member changes nothing about it
        _ = try await fixture.store.updateGroup(id: ops.id) { _ in
            GroupUpdate(input: groupInput("ops"), members: .sequence([
                .delta(add: [MemberInput(value: ada.id)], remove: []), .delta(add: [], remove: [ada.id]),
            ]))
        }
        let group = try await fixture.store.historyEntries(resource: ops.id)
        #expect(group.map(\.kind) == [.create, .update, .update])
        #expect(group[0].changes.membersAdded == [ada.id] && group[0].changes.displayName?.to == "ops")
        #expect(group[1].changes.membersAdded == [bob.id] && group[1].changes.membersRemoved == [ada.id])
        #expect(group[2].changes.membersAdded == nil && group[2].changes.membersRemoved == nil)
        let adaEntries = try await fixture.store.historyEntries(resource: ada.id)
        #expect(adaEntries.map(\.kind) == [.create, .membership, .membership])
        #expect(adaEntries[1].changes.groupsAdded == [HistoryGroup(id: ops.id, displayName: "ops")])
        #expect(adaEntries[2].changes.groupsRemoved == [HistoryGroup(id: ops.id, displayName: "ops")])
        #expect(adaEntries[2].isDeprovisioning)
        // Deleting the group removes bob from it on bob's timeline
        try await fixture.store.deleteGroup(id: ops.id)
        let bobLast = try #require(try await fixture.store.historyEntries(resource: bob.id).last)
        #expect(bobLast.kind == .membership && bobLast.changes.groupsRemoved?.map(\.id) == [ops.id])
        #expect(try await fixture.store.historyEntries(resource: ops.id).last?.kind == .delete)
    }

    @Test func aPutReplacingMembersRecordsTheNetDifference() async throws {
        let fixture = try Fixture()
        let ada = try await fixture.store.createUser(userInput("ada"))
        let bob = try await fixture.store.createUser(userInput("bob"))
        let ops = try await fixture.store.createGroup(groupInput("ops"), members: [MemberInput(value: ada.id)])
        _ = try await fixture.store.updateGroup(id: ops.id) { _ in
            GroupUpdate(input: groupInput("operations"), members: .replace([MemberInput(value: ada.id), MemberInput(value: bob.id)]))
        }
        let entry = try #require(try await fixture.store.historyEntries(resource: ops.id).last)
        #expect(entry.changes.displayName == FieldChange(from: "ops", to: "operations"))
        #expect(entry.changes.membersAdded == [bob.id] && entry.changes.membersRemoved == nil)
        #expect(try await fixture.store.historyEntries(resource: bob.id).last?.changes.groupsAdded?.first?.displayName
            == "operations")
    }

    @Test func aUserDeleteRecordsTheDeletionAndEachGroupLosingIt() async throws {
        let fixture = try Fixture()
        let ada = try await fixture.store.createUser(userInput("ada"))
        let ops = try await fixture.store.createGroup(groupInput("ops"), members: [MemberInput(value: ada.id)])
        try await fixture.store.deleteUser(id: ada.id, author: .local("offboarding"))
        let last = try #require(try await fixture.store.historyEntries(resource: ada.id).last)
        #expect(last.kind == .delete && last.author == "offboarding" && last.isDeprovisioning)
        #expect(last.changes.groupsRemoved?.map(\.id) == [ops.id])
        let groupLast = try #require(try await fixture.store.historyEntries(resource: ops.id).last)
        #expect(groupLast.kind == .membership && groupLast.changes.membersRemoved == [ada.id])
        #expect(try await fixture.store.historyUserIds(named: "ADA") == [ada.id])
    }

    @Test func aBulkImportRecordsACreatePerUser() async throws {
        let fixture = try Fixture()
        let ids = try await fixture.store.importUsers([userInput("u1"), userInput("u2"), userInput("u3")],
                                                      batchSize: 2, author: .local("import"))
        for id in ids {
            let entries = try await fixture.store.historyEntries(resource: id)
            #expect(entries.map(\.kind) == [.create] && entries.first?.author == "import")
        }
    }

    @Test func aFailedWriteLeavesNoHistory() async throws {
        let fixture = try Fixture()
        _ = try await fixture.store.createUser(userInput("ada"))
        await #expect(throws: IdentityStoreError.self) { try await fixture.store.createUser(userInput("ADA")) }
        #expect(try await fixture.store.historyEntries().count == 1)
    }

    @Test func historyRefusesUpdateAndDelete() async throws {
        let fixture = try Fixture()
        _ = try await fixture.store.createUser(userInput("ada"))
        #expect(throws: DatabaseError.self) {
            try fixture.queue.write { db in try db.execute(sql: "UPDATE identity_history SET author = 'someone else'") }
        }
        #expect(throws: DatabaseError.self) {
            try fixture.queue.write { db in try db.execute(sql: "DELETE FROM identity_history") }
        }
        #expect(try await fixture.store.historyEntries().first?.author == "local")
    }

    @Test func activeUsersWithGroupsReplaysHistoryToAPastMoment() async throws {
        let fixture = try Fixture()
        let ada = try await fixture.store.createUser(userInput("ada"))
        let ops = try await fixture.store.createGroup(groupInput("ops"), members: [MemberInput(value: ada.id)])
        let t1 = fixture.now
        fixture.advance(60)
        let bob = try await fixture.store.createUser(userInput("bob"))
        _ = try await fixture.store.updateGroup(id: ops.id) { _ in
            GroupUpdate(input: groupInput("operations"), members: .delta(add: [MemberInput(value: bob.id)], remove: []))
        }
        let t2 = fixture.now
        fixture.advance(60)
        _ = try await fixture.store.updateUser(id: ada.id) { _ in UserUpdate(input: userInput("ada", active: false)) }
        try await fixture.store.deleteUser(id: bob.id)
        let t3 = fixture.now

        #expect(try await fixture.store.activeUsersWithGroups(asOf: t1.addingTimeInterval(-1)) == [])
        #expect(try await fixture.store.activeUsersWithGroups(asOf: t1)
            == [HistoricalUser(id: ada.id, userName: "ada", groups: ["ops"])])
        #expect(try await fixture.store.activeUsersWithGroups(asOf: t2) == [
            HistoricalUser(id: ada.id, userName: "ada", groups: ["operations"]),
            HistoricalUser(id: bob.id, userName: "bob", groups: ["operations"]),
        ])
        #expect(try await fixture.store.activeUsersWithGroups(asOf: t3) == [])
    }

    @Test func pruningKeepsTheStateAtTheCutoffAndOnlyDeletesOlderEntries() async throws {
        let fixture = try Fixture()
        let ada = try await fixture.store.createUser(userInput("ada"))
        let ops = try await fixture.store.createGroup(groupInput("ops"), members: [MemberInput(value: ada.id)])
        let gone = try await fixture.store.createUser(userInput("gone"))
        try await fixture.store.deleteUser(id: gone.id)
        fixture.advance(86_400)
        let cutoff = fixture.now
        fixture.advance(60)
        let bob = try await fixture.store.createUser(userInput("bob"))
        let expected = try await fixture.store.activeUsersWithGroups(asOf: fixture.now)

        let deleted = try await fixture.store.pruneHistory(olderThan: cutoff)

        #expect(deleted > 0)
        #expect(try await fixture.store.historyEntries(resource: gone.id).isEmpty)
        let adaEntries = try await fixture.store.historyEntries(resource: ada.id)
        #expect(adaEntries.map(\.kind) == [.baseline] && adaEntries.first?.at == cutoff)
        #expect(adaEntries.first?.changes.groupsAdded == [HistoryGroup(id: ops.id, displayName: "ops")])
        #expect(try await fixture.store.historyEntries(resource: bob.id).map(\.kind) == [.create])
        #expect(try await fixture.store.activeUsersWithGroups(asOf: fixture.now) == expected)
        #expect(try await fixture.store.historyStart() == cutoff)
        // Pruning again at the same cutoff keeps the baselines and deletes nothing
        #expect(try await fixture.store.pruneHistory(olderThan: cutoff) == 0)
        // And the permit does not outlive the pruning: a plain DELETE is still refused
        #expect(throws: DatabaseError.self) {
            try fixture.queue.write { db in try db.execute(sql: "DELETE FROM identity_history") }
        }
    }

    @Test func theMigrationSeedsABaselinePerExistingResource() async throws {
        // Given a store at the schema before history, with a user in a group
        let queue = try DatabaseQueue(configuration: IdentityDatabase.configuration())
        try IdentityDatabase.migrator.migrate(queue, upTo: "v1-identities")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO users (id, user_name, user_name_key, active, resource, version, created, last_modified)
                VALUES ('u1', 'Ada', 'ada', 0, '{}', 1, 0, 0);
                INSERT INTO user_nkeys (public_key, user_id) VALUES ('UKEY', 'u1');
                INSERT INTO groups (id, display_name, display_name_key, resource, version, created, last_modified)
                VALUES ('g1', 'ops', 'ops', '{}', 2, 0, 0);
                INSERT INTO group_members (group_id, member_id, member_type) VALUES ('g1', 'u1', 'User');
                """)
        }
        // When the store opens it (running the history migration)
        let store = try IdentityDatabase(queue, logger: quietLogger)
        // Then each resource has a baseline describing it
        let user = try #require(try await store.historyEntries(resource: "u1").first)
        #expect(user.kind == .baseline && user.author == "baseline" && user.resourceName == "Ada")
        #expect(user.changes.active?.to == false && user.changes.nkeysAdded == ["UKEY"])
        #expect(user.changes.groupsAdded == [HistoryGroup(id: "g1", displayName: "ops")])
        #expect(try await store.historyEntries(resource: "g1").first?.kind == .baseline)
        #expect(try await store.activeUsersWithGroups(asOf: Date()) == [])
    }

    @Test func entriesReadPageByPage() async throws {
        let fixture = try Fixture()
        try await fixture.store.importUsers((0..<5).map { userInput("u\($0)") })
        var names: [String] = []
        var cursor: Int64?
        while let page = Optional(try await fixture.store.historyEntries(after: cursor, limit: 2)), let last = page.last {
            names += page.map(\.resourceName)
            cursor = last.sequence
        }
        #expect(names == ["u0", "u1", "u2", "u3", "u4"])
    }

    @Test func aSessionsCutEntryIsRecorded() async throws {
        let fixture = try Fixture()
        let ada = try await fixture.store.createUser(userInput("ada"))
        try await fixture.store.recordSessionsCut(userId: ada.id, userName: "ada", count: 2, reason: "user deactivated",
                                                  at: fixture.now, author: .local("session-revoker"))
        let entry = try #require(try await fixture.store.historyEntries(resource: ada.id).last)
        #expect(entry.kind == .sessionsCut && entry.changes.sessionsCut == 2 && entry.changes.reason == "user deactivated")
    }
}

import Foundation
import IdentityStore
import Testing

@Suite struct GroupStoreTests {
    @Test func membershipShowsOnUserAndIdentity() async throws {
        let store = try makeStore()
        let alice = try await store.createUser(userInput("alice"))
        let bob = try await store.createUser(userInput("bob"))
        let group = try await store.createGroup(groupInput("Engineering", externalId: "e1"),
                                                members: [MemberInput(value: alice.id)])
        #expect(group.members?.map(\.value) == [alice.id])
        #expect(group.members?.first?.display == "alice")
        // When bob is added and alice removed by delta
        _ = try await store.updateGroup(id: group.id) { current in
            GroupUpdate(input: groupInput(current.displayName, externalId: current.externalId),
                        members: .delta(add: [MemberInput(value: bob.id)], remove: [alice.id]))
        }
        // Then the next read sees it, on both sides
        #expect(try await store.user(id: alice.id)?.groups?.isEmpty == true)
        let subject = try #require(try store.identity(for: .userName("BOB")))
        #expect(subject.groups == [GroupRef(id: group.id, displayName: "Engineering", externalId: "e1")])
        #expect(try await store.isMember(bob.id, ofGroup: group.id))
    }

    @Test func displayNameIsUniqueCaselessly() async throws {
        let store = try makeStore()
        _ = try await store.createGroup(groupInput("Équipe"))
        do {
            _ = try await store.createGroup(groupInput("équipe"))
            Issue.record("expected uniqueness")
        } catch let error as IdentityStoreError {
            #expect(error.code == .uniqueness)
        }
    }

    @Test func unknownMembersAreKeptAndResolveWhenTheUserAppears() async throws {
        let store = try makeStore()
        let futureId = "not-yet-known"
        let group = try await store.createGroup(groupInput("Early"), members: [MemberInput(value: futureId)])
        #expect(group.members == [StoredMember(value: futureId, type: "User", display: nil)])
        let user = try await store.createUser(userInput("late"), id: futureId)
        #expect(user.groups?.map(\.id) == [group.id])
        #expect(try await store.members(ofGroup: group.id).first?.display == "late")
    }

    @Test func deltasOnABigGroupTouchOnlyTheNamedMembers() async throws {
        let store = try makeStore()
        // Given a group of 5,000 members (ids only: most are unresolved)
        let initial = (0..<5000).map { MemberInput(value: "m\($0)") }
        let group = try await store.createGroup(groupInput("Big"), members: initial)
        let alice = try await store.createUser(userInput("alice"))
        let before = try await store.latestChangeSequence()
        // When one member is added and two removed (one absent)
        let updated = try await store.updateGroup(id: group.id) { current in
            GroupUpdate(input: groupInput(current.displayName),
                        members: .delta(add: [MemberInput(value: alice.id), MemberInput(value: "m1")],
                                        remove: ["m2", "nope"]))
        }
        #expect(updated.members == nil)  // not loaded on purpose
        #expect(try await store.memberCount(groupId: group.id) == 5000)
        #expect(try await store.isMember(alice.id, ofGroup: group.id))
        #expect(try await !store.isMember("m2", ofGroup: group.id))
        // Then only alice (a real user) gets a membership change, plus the group's own update
        let changes = try await store.changes(after: before)
        #expect(changes.map(\.operation).sorted { $0.rawValue < $1.rawValue } == [.membership, .update])
        #expect(changes.contains { $0.resourceId == alice.id && $0.operation == .membership })
    }

    @Test func replaceMembersAndDeleteGroup() async throws {
        let store = try makeStore()
        let a = try await store.createUser(userInput("a"))
        let b = try await store.createUser(userInput("b"))
        let group = try await store.createGroup(groupInput("G"), members: [MemberInput(value: a.id)])
        _ = try await store.updateGroup(id: group.id) { current in
            GroupUpdate(input: groupInput("G2"), members: .replace([MemberInput(value: b.id)]))
        }
        #expect(try await store.members(ofGroup: group.id).map(\.value) == [b.id])
        #expect(try store.identity(for: .id(b.id))?.groups.first?.displayName == "G2")
        let before = try await store.latestChangeSequence()
        try await store.deleteGroup(id: group.id)
        #expect(try await store.group(id: group.id) == nil)
        #expect(try store.identity(for: .id(b.id))?.groups.isEmpty == true)
        let changes = try await store.changes(after: before)
        #expect(changes.contains { $0.resourceId == b.id && $0.operation == .membership })
        #expect(changes.contains { $0.resourceId == group.id && $0.operation == .delete })
    }

    @Test func deletingAUserRemovesItsMemberships() async throws {
        let store = try makeStore()
        let a = try await store.createUser(userInput("a"))
        let group = try await store.createGroup(groupInput("G"), members: [MemberInput(value: a.id)])
        try await store.deleteUser(id: a.id)
        #expect(try await store.members(ofGroup: group.id).isEmpty)
        #expect(try await store.group(id: group.id)?.version ?? 0 > group.version)
    }
}

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
        let group = try await store.createGroup(groupInput("Early"), members: [MemberInput(value: futureId)],
                                                lenientMembers: true)
        #expect(group.members == [StoredMember(value: futureId, type: "User", display: nil)])
        let user = try await store.createUser(userInput("late"), id: futureId)
        #expect(user.groups?.map(\.id) == [group.id])
        #expect(try await store.members(ofGroup: group.id).first?.display == "late")
    }

    @Test func deltasOnABigGroupTouchOnlyTheNamedMembers() async throws {
        let store = try makeStore()
        // Given a group of 5,000 members (ids only: most are unresolved)
        let initial = (0..<5000).map { MemberInput(value: "m\($0)") }
        let group = try await store.createGroup(groupInput("Big"), members: initial, lenientMembers: true)
        let alice = try await store.createUser(userInput("alice"))
        let before = try await store.latestChangeSequence()
        // When one member is added and two removed (one absent)
        let updated = try await store.updateGroup(id: group.id, lenientMembers: true) { current in
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
    @Test func aGroupCreatedWithAnUnknownMemberIsRefusedAndNotStored() async throws {
        let store = try makeStore()
        let alice = try await store.createUser(userInput("alice"))
        let before = try await store.latestChangeSequence()
        // When a group names alice and an id that is no user or group
        do {
            _ = try await store.createGroup(groupInput("G"), members: [MemberInput(value: alice.id),
                                                                      MemberInput(value: "ghost")])
            Issue.record("expected invalidValue")
        } catch let error as IdentityStoreError {
            #expect(error.code == .invalidValue)
            #expect(error.detail.contains("'ghost'"))
        }
        // Then nothing of it is stored, and alice is not touched
        #expect(try await store.groups(ResourceQuery(), includeMembers: false) { _ in true }.totalResults == 0)
        #expect(try await store.latestChangeSequence() == before)
        #expect(try store.identity(for: .id(alice.id))?.groups.isEmpty == true)
    }

    @Test func anUpdateAddingAnUnknownMemberChangesNothing() async throws {
        let store = try makeStore()
        let alice = try await store.createUser(userInput("alice"))
        let bob = try await store.createUser(userInput("bob"))
        let team = try await store.createGroup(groupInput("team"))
        let group = try await store.createGroup(groupInput("G"), members: [MemberInput(value: alice.id)])
        let updates: [MembershipUpdate] = [
            .delta(add: [MemberInput(value: bob.id), MemberInput(value: "ghost")], remove: [alice.id]),
            .replace([MemberInput(value: bob.id), MemberInput(value: "ghost")]),
            .sequence([.removeAll, .delta(add: [MemberInput(value: "ghost")], remove: [])]),
        ]
        for update in updates {
            do {
                _ = try await store.updateGroup(id: group.id) { _ in
                    GroupUpdate(input: groupInput("Renamed"), members: update)
                }
                Issue.record("expected invalidValue for \(update)")
            } catch let error as IdentityStoreError {
                #expect(error.code == .invalidValue)
            }
            let stored = try #require(try await store.group(id: group.id))
            #expect(stored.displayName == "G")
            #expect(stored.version == group.version)
            #expect(stored.members?.map(\.value) == [alice.id])
        }
        // A group is a member too (nested groups are stored, not expanded)
        _ = try await store.updateGroup(id: group.id) { _ in
            GroupUpdate(input: groupInput("G"), members: .delta(add: [MemberInput(value: team.id)], remove: []))
        }
        #expect(try await store.members(ofGroup: group.id).map(\.type).sorted() == ["Group", "User"])
    }

    @Test func aMemberKeptByALenientWriteMayBeRepeated() async throws {
        let store = try makeStore()
        let group = try await store.createGroup(groupInput("G"), members: [MemberInput(value: "kept")],
                                                lenientMembers: true)
        // When a strict PUT-style replace names the kept id again
        _ = try await store.updateGroup(id: group.id) { _ in
            GroupUpdate(input: groupInput("G"), members: .replace([MemberInput(value: "kept")]))
        }
        // Then it stays, as it is not being added
        #expect(try await store.members(ofGroup: group.id).map(\.value) == ["kept"])
    }
}

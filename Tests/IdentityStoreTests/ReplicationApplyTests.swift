import Foundation
import Testing
@testable import IdentityStore

/// `IdentityDatabase.apply(_:sequence:)`: the same commands in the same order give every store
/// the same rows and the same outcomes; a position is applied once.
@Suite struct ReplicationApplyTests {
    static let author = ReplicationAuthor(name: "okta", tokenId: "t1")

    static func command(_ id: String, at: Double = 1_700_000_000.123, origin: String = "a",
                        _ operation: ReplicationOperation) -> ReplicationCommand {
        ReplicationCommand(id: id, origin: origin, at: at, author: author, operation: operation)
    }

    /// Creates, conflicts, PATCHes on stale and current versions, If-Match, deletes: every
    /// outcome kind, in one stream.
    static let script: [(ReplicationCommand, expected: String)] = [
        (command("c1", .createUser(id: "u1", input: userInput("alice", emails: ["a@x"], nkeys: ["UA"]),
                                   passwordHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA")), "user"),
        (command("c2", .createUser(id: "u2", input: userInput("ALICE"), passwordHash: nil)), "rejected.uniqueness"),
        (command("c3", .createUser(id: "u3", input: userInput("bob"), passwordHash: nil)), "user"),
        (command("c4", .createGroup(id: "g1", input: groupInput("ops"), members: [MemberInput(value: "u1")],
                                    lenientMembers: false)), "group"),
        (command("c5", .createGroup(id: "g2", input: groupInput("dev"), members: [MemberInput(value: "ghost")],
                                    lenientMembers: false)), "rejected.invalidValue"),
        // Based on g1's version 4 (its create's sequence): current, applied.
        (command("c6", .updateGroup(id: "g1", ifMatch: nil, basedOnVersion: 4,
                                    update: GroupUpdate(input: groupInput("ops"),
                                                        members: .delta(add: [MemberInput(value: "u3")], remove: [])),
                                    lenientMembers: false)), "group"),
        // Computed from version 4 again, by another replica: stale, nothing changes.
        (command("c7", .updateGroup(id: "g1", ifMatch: nil, basedOnVersion: 4,
                                    update: GroupUpdate(input: groupInput("ops"), members: .removeAll),
                                    lenientMembers: false)), "stale"),
        (command("c8", .updateUser(id: "u1", ifMatch: 1, basedOnVersion: 4,
                                   update: UserUpdate(input: userInput("alice", active: false)))),
         "rejected.preconditionFailed"),
        (command("c9", .updateUser(id: "u1", ifMatch: 4, basedOnVersion: 4,
                                   update: UserUpdate(input: userInput("alice", active: false), password: .remove))),
         "user"),
        (command("c10", .deleteUser(id: "u3", ifMatch: nil)), "deleted"),
        (command("c11", .deleteUser(id: "u3", ifMatch: nil)), "rejected.notFound"),
        (command("c12", .deleteGroup(id: "g1", ifMatch: 2)), "rejected.preconditionFailed"),
        (command("c13", origin: "b", .createGroup(id: "g3", input: groupInput("Ops"), members: [],
                                                  lenientMembers: false)), "rejected.uniqueness"),
        (command("c14", origin: "b", .deleteGroup(id: "g1", ifMatch: nil)), "deleted"),
    ]

    @Test func theSameCommandsGiveEveryStoreTheSameRowsAndOutcomes() async throws {
        var digests: Set<String> = []
        var outcomeLists: [[ReplicationOutcome]] = []
        // Two stores, one applying one command per transaction, the other in one batch.
        let one = try makeStore()
        var outcomes: [ReplicationOutcome] = []
        for (index, step) in Self.script.enumerated() {
            outcomes.append(try await one.apply(step.0, sequence: UInt64(index + 1)))
        }
        outcomeLists.append(outcomes)
        digests.insert(try await one.identityDigest())

        let two = try makeStore()
        outcomeLists.append(try await two.apply(Self.script.enumerated().map { ($0.element.0, UInt64($0.offset + 1)) }))
        digests.insert(try await two.identityDigest())

        #expect(outcomes.map(\.kind) == Self.script.map(\.expected))
        #expect(outcomeLists[0] == outcomeLists[1])
        #expect(digests.count == 1, "equal identity tables")
        #expect(try await one.appliedSequence() == UInt64(Self.script.count))
        #expect(try await two.appliedSequence() == UInt64(Self.script.count))
    }

    @Test func versionsAreTheStreamSequenceAndTimesTheCommands() async throws {
        let store = try makeStore()
        _ = try await store.apply(Self.command("c1", at: 1_700_000_000.5, .createUser(
            id: "u1", input: userInput("alice"), passwordHash: nil)), sequence: 41)
        let user = try #require(try await store.user(id: "u1"))
        #expect(user.version == 41)
        #expect(user.created.timeIntervalSince1970 == 1_700_000_000.5)
        #expect(try await store.changes(after: 0).map(\.origin) == ["a"])
    }

    @Test func aSequenceAppliedBeforeIsSkipped() async throws {
        let store = try makeStore()
        let create = Self.command("c1", .createUser(id: "u1", input: userInput("alice"), passwordHash: nil))
        #expect(try await store.apply(create, sequence: 1).kind == "user")
        let digest = try await store.identityDigest()
        let changes = try await store.changes(after: 0).count
        // Redelivered (a restart, a consumer reset): nothing happens, not even a uniqueness refusal.
        #expect(try await store.apply(create, sequence: 1) == .alreadyApplied)
        let lower = Self.command("c0", .createUser(id: "u0", input: userInput("zed"), passwordHash: nil))
        #expect(try await store.apply(lower, sequence: 1) == .alreadyApplied)
        #expect(try await store.identityDigest() == digest)
        #expect(try await store.changes(after: 0).count == changes)
        #expect(try await store.appliedSequence() == 1)
    }

    @Test func aProbeMovesOnlyThePosition() async throws {
        let store = try makeStore()
        let create = Self.command("c1", .createUser(id: "u1", input: userInput("alice"), passwordHash: nil))
        #expect(try await store.apply(create, sequence: 1).kind == "user")
        let digest = try await store.identityDigest()
        let changes = try await store.changes(after: 0).count
        #expect(try await store.apply(Self.command("p1", origin: "b", .probe(id: "b")), sequence: 2) == .probed)
        #expect(try await store.appliedSequence() == 2)
        #expect(try await store.identityDigest() == digest)
        #expect(try await store.changes(after: 0).count == changes)
        // The next write's version is its own sequence, as without the probe.
        let update = Self.command("c2", .updateUser(id: "u1", ifMatch: nil, basedOnVersion: 1,
                                                    update: UserUpdate(input: userInput("alice", active: false))))
        guard case .user(let user) = try await store.apply(update, sequence: 3) else {
            Issue.record("the update after a probe was not applied")
            return
        }
        #expect(user.version == 3 && !user.active)
    }

    @Test func aConflictingSecondCreateFailsTheSameWayEverywhere() async throws {
        let first = Self.command("c1", .createUser(id: "u1", input: userInput("carol"), passwordHash: nil))
        let second = Self.command("c2", origin: "b", .createUser(id: "u2", input: userInput("Carol"), passwordHash: nil))
        var results: [[ReplicationOutcome]] = []
        for _ in 0..<3 {
            let store = try makeStore()
            results.append([try await store.apply(first, sequence: 1), try await store.apply(second, sequence: 2)])
            #expect(try await store.user(id: "u2") == nil)
            #expect(try await store.appliedSequence() == 2, "a refused command still moves the position")
        }
        #expect(results.allSatisfy { $0 == results[0] })
        #expect(results[0][1] == .rejected(IdentityStoreError(.uniqueness, "userName is already taken")))
    }

    @Test func localWritesDoNotChangeReplicatedVersions() async throws {
        // A local change row (an access-token revocation) takes a changes.seq of its own on one
        // store only; versions come from the stream, so both stores still agree.
        let create = Self.command("c1", .createUser(id: "u1", input: userInput("dave"), passwordHash: nil))
        let update = Self.command("c2", .updateUser(id: "u1", ifMatch: nil, basedOnVersion: 1,
                                                    update: UserUpdate(input: userInput("dave", active: false))))
        let a = try makeStore()
        let b = try makeStore()
        _ = try await a.apply(create, sequence: 1)
        _ = try await b.apply(create, sequence: 1)
        let token = try await a.issueAccessToken(userName: "dave", name: "ci")
        try await a.revokeAccessToken(id: token.info.id)
        #expect(try await a.apply(update, sequence: 2) == b.apply(update, sequence: 2))
        #expect(try await a.identityDigest() == b.identityDigest())
        #expect(try await a.changes(after: 0).last?.origin == "a")
    }

    @Test func commandsRoundTripAndRefuseAnotherVersion() throws {
        for (command, _) in Self.script {
            #expect(try ReplicationCommand.decode(command.encoded()) == command)
        }
        let update = Self.command("x", .updateGroup(
            id: "g", ifMatch: 3, basedOnVersion: 3,
            update: GroupUpdate(input: groupInput("g"), members: .sequence([.replace([MemberInput(value: "u", type: "User")]),
                                                                           .delta(add: [], remove: ["v"])])),
            lenientMembers: true))
        #expect(try ReplicationCommand.decode(update.encoded()) == update)
        var future = update
        future.version = 2
        #expect(throws: ReplicationCommandError.self) { try ReplicationCommand.decode(future.encoded()) }
        do {
            _ = try ReplicationCommand.decode(Array(#"{"v":2,"id":"x"}"#.utf8))
            Issue.record("another version must be refused")
        } catch {
            #expect(error.code == .unsupportedVersion)
        }
        #expect(throws: ReplicationCommandError.self) { try ReplicationCommand.decode(Array("{}".utf8)) }
    }

    @Test func aCommandDescriptionNeverShowsItsPasswordHash() {
        let command = Self.script[0].0
        #expect(!"\(command)".contains("argon2id"))
        #expect("\(command)".contains("user.create u1"))
    }
}

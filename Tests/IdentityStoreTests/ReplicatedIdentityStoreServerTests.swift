import Foundation
import JetStream
import NIOCore
import Testing
import TestSupport
@testable import IdentityStore

/// Two replicas on one JetStream nats-server, each with its own SQLite file: writes on either
/// are decided in stream order and reach both.
@Suite("ReplicatedIdentityStore on a real nats-server", .serialized)
struct ReplicatedIdentityStoreServerTests {
    static let author = ChangeAuthor.local("test")

    @Test func aWriteOnOneReplicaIsReadableOnTheOtherAfterItApplies() async throws {
        let server = try await NATSServerProcess.start(jetStream: true, label: "repl")
        try await withReplicas(["a", "b"], on: server) { replicas in
            let (a, b) = (replicas[0], replicas[1])
            let user = try await a.store.createUser(userInput("alice", emails: ["alice@example.com"]), passwordHash: nil,
                                                    author: Self.author)
            // The writer answered after its own apply: the row is already in A's file.
            #expect(try await a.database.user(id: user.id)?.userName == "alice")
            let onB = try await poll("alice on b") { try await b.database.user(id: user.id) }
            #expect(onB == user, "same row, same version, same times")
            try await b.waitUntilApplied(a.store.appliedSequence)
            #expect(try await a.database.identityDigest() == b.database.identityDigest())
        }
        try await server.stop()
    }

    @Test func concurrentCreatesOfOneUserNameOnTwoReplicasGiveOneSuccessAndOneUniqueness() async throws {
        let server = try await NATSServerProcess.start(jetStream: true, label: "repl")
        try await withReplicas(["a", "b"], on: server) { replicas in
            for round in 0..<5 {
                async let onA = Self.result { try await replicas[0].store.createUser(
                    userInput("carol\(round)"), passwordHash: nil, author: Self.author) }
                async let onB = Self.result { try await replicas[1].store.createUser(
                    userInput("CAROL\(round)"), passwordHash: nil, author: Self.author) }
                let results = [await onA, await onB]
                #expect(results.filter { $0 == "ok" }.count == 1, "round \(round): \(results)")
                #expect(results.filter { $0 == "uniqueness" }.count == 1, "round \(round): \(results)")
            }
            try await replicas[0].waitUntilApplied(replicas[1].store.appliedSequence)
            try await replicas[1].waitUntilApplied(replicas[0].store.appliedSequence)
            #expect(try await replicas[0].database.userCount() == 5)
            #expect(try await replicas[0].database.identityDigest() == replicas[1].database.identityDigest())
        }
        try await server.stop()
    }

    @Test func concurrentPatchesOfOneGroupOnTwoReplicasLoseNoMember() async throws {
        let server = try await NATSServerProcess.start(jetStream: true, label: "repl")
        try await withReplicas(["a", "b"], on: server) { replicas in
            var created: [String] = []
            for i in 0..<8 {
                created.append(try await replicas[i % 2].store.createUser(
                    userInput("member\(i)"), passwordHash: nil, author: Self.author).id)
            }
            let users = created
            let group = try await replicas[0].store.createGroup(groupInput("team"), members: [], lenientMembers: false,
                                                                author: Self.author)
            try await replicas[1].waitUntilApplied(replicas[0].store.appliedSequence)
            // Each replica adds its four members one PATCH at a time, both at once.
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for side in 0..<2 {
                    tasks.addTask {
                        for i in stride(from: side, to: 8, by: 2) {
                            let member = users[i]
                            _ = try await replicas[side].store.updateGroup(
                                id: group.id, ifMatch: nil, lenientMembers: false, author: Self.author
                            ) { current in
                                GroupUpdate(input: groupInput(current.displayName),
                                            members: .delta(add: [MemberInput(value: member)], remove: []))
                            }
                        }
                    }
                }
                try await tasks.waitForAll()
            }
            try await replicas[0].waitUntilApplied(replicas[1].store.appliedSequence)
            try await replicas[1].waitUntilApplied(replicas[0].store.appliedSequence)
            for replica in replicas {
                #expect(Set(try await replica.database.members(ofGroup: group.id).map(\.value)) == Set(users))
            }
            #expect(try await replicas[0].database.identityDigest() == replicas[1].database.identityDigest())
        }
        try await server.stop()
    }

    @Test func aStaleETagFromTheOtherReplicaIsAPreconditionFailure() async throws {
        let server = try await NATSServerProcess.start(jetStream: true, label: "repl")
        try await withReplicas(["a", "b"], on: server) { replicas in
            let (a, b) = (replicas[0], replicas[1])
            let created = try await a.store.createUser(userInput("erin"), passwordHash: nil, author: Self.author)
            let seenOnB = try await poll("erin on b") { try await b.database.user(id: created.id) }
            let updated = try await a.store.updateUser(id: created.id, ifMatch: seenOnB.version, author: Self.author) { _ in
                UserUpdate(input: userInput("erin", active: false))
            }
            #expect(updated.version > seenOnB.version)
            // B's client still holds the old ETag; B may or may not have applied A's update yet.
            await #expect(throws: IdentityStoreError(.preconditionFailed, "User \(created.id) is at another version")) {
                _ = try await b.store.updateUser(id: created.id, ifMatch: seenOnB.version, author: Self.author) { _ in
                    UserUpdate(input: userInput("erin", displayName: "lost"))
                }
            }
            await #expect(throws: IdentityStoreError.self) {
                try await b.store.deleteUser(id: created.id, ifMatch: seenOnB.version, author: Self.author)
            }
            try await a.waitUntilApplied(b.store.appliedSequence)
            #expect(try await a.database.user(id: created.id)?.active == false)
            #expect(try await a.database.user(id: created.id)?.displayName == nil)
        }
        try await server.stop()
    }

    @Test func aRestartedReplicaResumesFromItsStoredPosition() async throws {
        let server = try await NATSServerProcess.start(jetStream: true, label: "repl")
        let folder = try TestEnvironment.temporaryDirectory("replicas")
        let first = try await withReplicas(["a", "b"], on: server, folder: folder) { replicas in
            for i in 0..<5 {
                _ = try await replicas[0].store.createUser(userInput("user\(i)"), passwordHash: nil, author: Self.author)
            }
            try await replicas[1].waitUntilApplied(replicas[0].store.appliedSequence)
            return (sequence: replicas[1].store.appliedSequence,
                    changes: try await replicas[1].database.changes(after: 0).count)
        }
        #expect(first.sequence == 5)
        // Both replicas restart on their files; A writes two more.
        try await withReplicas(["a", "b"], on: server, folder: folder) { replicas in
            let b = replicas[1]
            #expect(try await b.database.appliedSequence() == first.sequence, "resumes at the stored position")
            #expect(try await b.database.changes(after: 0).count == first.changes, "nothing applied twice")
            for i in 5..<7 {
                _ = try await replicas[0].store.createUser(userInput("user\(i)"), passwordHash: nil, author: Self.author)
            }
            try await b.waitUntilApplied(7)
            #expect(try await b.database.changes(after: 0).count == first.changes + 2)
            #expect(try await b.database.userCount() == 7)
            #expect(try await replicas[0].database.identityDigest() == b.database.identityDigest())
        }
        try await server.stop()
    }

    @Test func anUnknownCommandVersionStopsApplyingAndRefusesWrites() async throws {
        let server = try await NATSServerProcess.start(jetStream: true, label: "repl")
        try await withReplicas(["a"], on: server) { replicas in
            let a = replicas[0]
            _ = try await a.store.createUser(userInput("before"), passwordHash: nil, author: Self.author)
            let js = JetStreamContext(connection: a.nats)
            _ = try await js.publish(Array(#"{"v":2,"id":"future","op":"user.create"}"#.utf8), to: "scim-callout.changes")
            try await pollUntil("apply loop stopped") {
                if case .stopped = a.store.health { return true }
                return false
            }
            #expect(try await a.database.appliedSequence() == 1, "the unknown command is not skipped")
            await #expect(throws: IdentityStoreError.self) {
                _ = try await a.store.createUser(userInput("after"), passwordHash: nil, author: Self.author)
            }
            #expect(try await a.database.user(userName: "after") == nil)
        }
        try await server.stop()
    }

    @Test func aWriteThatCannotReachTheStreamIsUnavailableWithinTheApplyTimeout() async throws {
        let server = try await NATSServerProcess.start(jetStream: true, label: "repl")
        let folder = try TestEnvironment.temporaryDirectory("replicas")
        let replica = try await ReplicaFixture.open(
            id: "a", path: folder.appendingPathComponent("a.sqlite").path, serverURLs: [server.url],
            applyTimeout: .seconds(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await replica.store.run() }
            try await replica.waitUntilApplying()
            _ = try await replica.store.createUser(userInput("kept"), passwordHash: nil, author: Self.author)
            try await server.stop()
            let clock = ContinuousClock()
            let start = clock.now
            await #expect(throws: IdentityStoreError.self) {
                do {
                    _ = try await replica.store.createUser(userInput("lost"), passwordHash: nil, author: Self.author)
                } catch let error as IdentityStoreError {
                    #expect(error.code == .unavailable, "\(error)")
                    throw error
                }
            }
            #expect(clock.now - start < .seconds(5), "bounded by apply_timeout (1 s) plus one publish timeout")
            #expect(try await replica.database.user(userName: "lost") == nil)
            group.cancelAll()
        }
        await replica.close()
    }

    @Test func natsPyReadsACommandFromTheStream() async throws {
        let server = try await NATSServerProcess.start(jetStream: true, label: "repl")
        let created = try await withReplicas(["a"], on: server) { replicas in
            try await replicas[0].store.createUser(userInput("frank"), passwordHash: nil, author: Self.author)
        }
        let result = try await runPython("""
            import asyncio, json, sys, nats
            async def main():
                nc = await nats.connect(sys.argv[1])
                js = nc.jetstream()
                msg = await js.get_msg("SCIM_CALLOUT", 1)
                command = json.loads(msg.data)
                print(msg.subject, command["v"], command["origin"], command["operation"]["op"],
                      command["operation"]["id"], command["operation"]["input"]["userName"],
                      msg.headers.get("Nats-Msg-Id") == command["id"])
                await nc.close()
            asyncio.run(main())
            """, arguments: [server.url])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            == "scim-callout.changes 1 a user.create \(created.id) frank True")
        try await server.stop()
    }

    /// "ok", or the store error's code.
    static func result(_ write: @Sendable () async throws -> StoredUser) async -> String {
        do {
            _ = try await write()
            return "ok"
        } catch let error as IdentityStoreError {
            return error.code.rawValue
        } catch {
            return "\(error)"
        }
    }
}

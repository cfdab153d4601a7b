import Foundation
import IdentityStore
import Testing

@Suite struct UserStoreTests {
    @Test func createReadUpdateDelete() async throws {
        let store = try makeStore()
        // Given a created user
        let created = try await store.createUser(userInput("bjensen", externalId: "x1", emails: ["B@Example.com"]))
        #expect(created.userName == "bjensen")
        #expect(created.version > 0)
        // When it is read back by id and by userName (caselessly)
        let byId = try #require(try await store.user(id: created.id))
        #expect(byId.externalId == "x1")
        let byName = try #require(try await store.user(userName: "BJENSEN"))
        #expect(byName.id == created.id)
        // When updated, the version moves on
        let updated = try await store.updateUser(id: created.id) { current in
            UserUpdate(input: userInput(current.userName, externalId: "x2", active: false))
        }
        #expect(updated.version > created.version)
        #expect(updated.active == false)
        #expect(updated.externalId == "x2")
        // When deleted, it is gone
        try await store.deleteUser(id: created.id)
        #expect(try await store.user(id: created.id) == nil)
        await #expect(throws: IdentityStoreError.self) { try await store.deleteUser(id: created.id) }
    }

    @Test func userNameIsUniqueCaselesslyIncludingNonASCII() async throws {
        let store = try makeStore()
        _ = try await store.createUser(userInput("ÉMILE"))
        // "émile" lower-case, and "émile" with a combining accent (NFD), are the same user name.
        for duplicate in ["émile", "e\u{301}mile", "Émile"] {
            do {
                _ = try await store.createUser(userInput(duplicate))
                Issue.record("\(duplicate) should collide with ÉMILE")
            } catch let error as IdentityStoreError {
                #expect(error.code == .uniqueness)
            }
        }
        _ = try await store.createUser(userInput("emile"))  // no accent: a different name
        #expect(try await store.userCount() == 2)
        #expect(IdentityKey.fold("STRASSE") == IdentityKey.fold("straße"))
    }

    @Test func ifMatchMismatchIsPreconditionFailed() async throws {
        let store = try makeStore()
        let user = try await store.createUser(userInput("alice"))
        do {
            _ = try await store.updateUser(id: user.id, ifMatch: user.version + 100) { _ in
                UserUpdate(input: userInput("alice2"))
            }
            Issue.record("expected preconditionFailed")
        } catch let error as IdentityStoreError {
            #expect(error.code == .preconditionFailed)
        }
        #expect(try await store.user(id: user.id)?.userName == "alice")
    }

    @Test func failedUpdateWritesNothing() async throws {
        let store = try makeStore()
        let alice = try await store.createUser(userInput("alice", nkeys: ["UA1"]))
        _ = try await store.createUser(userInput("bob"))
        // Renaming alice to bob collides: nothing of the update may be applied.
        await #expect(throws: IdentityStoreError.self) {
            _ = try await store.updateUser(id: alice.id) { _ in
                UserUpdate(input: userInput("BOB", externalId: "changed", nkeys: ["UA2"]))
            }
        }
        let after = try #require(try await store.user(id: alice.id))
        #expect(after.userName == "alice")
        #expect(after.externalId == nil)
        #expect(after.version == alice.version)
        #expect(try store.identity(for: .nkey("UA1"))?.id == alice.id)
        #expect(try store.identity(for: .nkey("UA2")) == nil)
    }

    @Test func nkeysAreUniqueAcrossUsers() async throws {
        let store = try makeStore()
        _ = try await store.createUser(userInput("a", nkeys: ["UKEY"]))
        do {
            _ = try await store.createUser(userInput("b", nkeys: ["UKEY"]))
            Issue.record("expected uniqueness")
        } catch let error as IdentityStoreError {
            #expect(error.code == .uniqueness)
        }
    }

    @Test func emptyUserNameIsRejected() async throws {
        let store = try makeStore()
        await #expect(throws: IdentityStoreError(.invalidValue, "userName must not be empty")) {
            _ = try await store.createUser(userInput("  "))
        }
    }
}

@Suite struct ImportTests {
    @Test func importUsersInBatchesAndRejectDuplicateBatches() async throws {
        let store = try makeStore()
        let ids = try await store.importUsers((0..<25).map { userInput("user\($0)", emails: ["u\($0)@x.test"]) },
                                              batchSize: 10)
        #expect(ids.count == 25)
        #expect(try await store.userCount() == 25)
        #expect(try store.identity(for: .userName("USER7"))?.id == ids[7])
        await #expect(throws: IdentityStoreError.self) {
            try await store.importUsers([userInput("fresh"), userInput("User3")])
        }
        #expect(try await store.user(userName: "fresh") == nil)  // the failing batch wrote nothing
    }
}

@Suite struct GroupCommitTests {
    /// Concurrent creates share commits, yet each stays atomic: the duplicates fail alone.
    @Test func concurrentWritesAreEachAtomic() async throws {
        let store = try makeStore()
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask {
                    do {
                        // Every 10th name repeats an earlier one (caselessly): uniqueness must fail it.
                        let name = i % 10 == 9 ? "USER\(i - 1)" : "user\(i)"
                        _ = try await store.createUser(userInput(name, nkeys: ["UK\(i)"]))
                        return true
                    } catch let error as IdentityStoreError where error.code == .uniqueness {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 180)
        #expect(try await store.userCount() == 180)
        // The failed creates left nothing behind, not even their nkeys or change rows.
        #expect(try store.identity(for: .nkey("UK9")) == nil)
        #expect(try await store.changes(after: 0, limit: 1000).count == 180)
    }

    @Test func normalDurabilityIsSelectable() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try IdentityDatabase.open(path: dir.appendingPathComponent("db.sqlite").path, logger: quietLogger,
                                              durability: .normal)
        #expect(try await store.connectionPragmas().synchronous == 1)
    }
}

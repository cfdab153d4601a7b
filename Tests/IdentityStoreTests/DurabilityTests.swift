import Foundation
@testable import IdentityStore
import Logging
import Testing
import TestSupport

@Suite struct DurabilityTests {
    /// A committed write is in the database files before `createUser` returns: another process
    /// (Python's sqlite3) reads it while this process still holds the database open, without any
    /// checkpoint or close, exactly the state a `kill -9` would leave behind.
    @Test func acknowledgedWritesAreVisibleToAnotherProcess() async throws {
        let dir = try TestEnvironment.temporaryDirectory("store")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("identity.sqlite").path
        let store = try IdentityDatabase.open(path: path, logger: quietLogger)
        let user = try await store.createUser(userInput("durable-ÉMILE"))
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            print(db.execute("PRAGMA journal_mode").fetchone()[0])
            print(db.execute("SELECT user_name FROM users WHERE id = ?", (sys.argv[2],)).fetchone()[0])
            print(db.execute("SELECT COUNT(*) FROM changes").fetchone()[0])
            """
        let result = try await runPython(script, arguments: [path, user.id])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n") == ["wal", "durable-ÉMILE", "1"])
    }

    @Test func fileStoreUsesWALAndFullSync() async throws {
        let dir = try TestEnvironment.temporaryDirectory("store")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("identity.sqlite").path
        let store = try IdentityDatabase.open(path: path, logger: quietLogger)
        let pragmas = try await store.connectionPragmas()
        #expect(pragmas.journalMode == "wal")
        #expect(pragmas.synchronous == 2)  // FULL
        // Reopening migrates nothing twice and keeps the data.
        _ = try await store.createUser(userInput("x"))
        let reopened = try IdentityDatabase.open(path: path, logger: quietLogger)
        #expect(try await reopened.userCount() == 1)
    }

    /// Either durability opens the auth lookups' own readers; only `synchronous` differs.
    @Test(arguments: [(IdentityDatabase.Durability.full, 2), (.normal, 1)])
    func everyDurabilityHasTheAuthReaders(durability: IdentityDatabase.Durability, synchronous: Int) async throws {
        let dir = try TestEnvironment.temporaryDirectory("store")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try IdentityDatabase.open(path: dir.appendingPathComponent("identity.sqlite").path, logger: quietLogger,
                                              durability: durability)
        #expect(try await store.connectionPragmas().synchronous == synchronous)
        #expect(store.authReaders?.count == IdentityDatabase.readerCount)
        _ = try await store.createUser(userInput("alice"))
        #expect(try store.identity(for: .userName("alice"))?.userName == "alice")
        #expect(store.authReaders?.cachedCount == 1)
    }
}

import Foundation
import GRDB
import Synchronization
import Testing
import TestSupport
@testable import IdentityStore

/// The auth readers of a file store share one cache: a result read through one connection is a
/// hit through all of them, and a commit by anyone is seen through whichever connection answers
/// first after it. Each test picks the connections by index to fix the interleaving.
@Suite struct AuthReadersCacheTests {
    /// A file store with one user, `gina`, and its auth readers.
    struct Fixture {
        let directory: URL
        let path: String
        let store: IdentityDatabase
        let readers: AuthReaders
        let user: StoredUser

        init() async throws {
            directory = try TestEnvironment.temporaryDirectory("sharedcache")
            path = directory.appendingPathComponent("identity.sqlite").path
            store = try IdentityDatabase.open(path: path, logger: quietLogger)
            readers = try #require(store.authReaders)
            user = try await store.createUser(userInput("gina", nkeys: ["UGINA"]))
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    /// Looks `name` (`gina` by default) up on `reader`, counting the reads that reach the database.
    static func byName(_ readers: AuthReaders, reader: Int, _ name: String = "gina",
                       loads: inout Int) throws -> Identity? {
        try readers.identity(.userName(name), reader: reader, now: 0) { db in
            loads += 1
            return try AuthStatements.identity(db, AuthStatements.byUserNameKey, name)
        }
    }

    @Test func aResultReadThroughOneReaderIsAHitThroughTheOthers() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let readers = fixture.readers
        #expect(readers.count >= 2)
        // Every connection validates once, so none of them clears the cache afterwards.
        var loads = 0
        for reader in 0 ..< readers.count {
            _ = try Self.byName(readers, reader: reader, "warm-up", loads: &loads)
        }

        loads = 0
        let first = try Self.byName(readers, reader: 0, loads: &loads)
        #expect(first?.id == fixture.user.id)
        #expect(loads == 1)
        for reader in 1 ..< readers.count {
            #expect(try Self.byName(readers, reader: reader, loads: &loads) == first)
        }
        #expect(loads == 1, "one read for all connections")

        // "No such user" is shared too.
        for reader in (0 ..< readers.count).reversed() {
            #expect(try Self.byName(readers, reader: reader, "nobody", loads: &loads) == nil)
        }
        #expect(loads == 2)
        #expect(readers.cachedCount == 3)
    }

    /// For each connection `first`: warms every connection with `gina`'s state, commits
    /// `gina.active = active` through `commit`, then reads through `first` before all others:
    /// each must see the commit.
    static func expectEveryReaderSeesTheCommit(_ fixture: Fixture, commit: (Bool) async throws -> Void) async throws {
        let readers = fixture.readers
        var loads = 0
        var active = true
        for first in 0 ..< readers.count {
            for reader in 0 ..< readers.count {
                #expect(try Self.byName(readers, reader: reader, loads: &loads)?.active == active)
            }
            active.toggle()
            try await commit(active)
            let order = [first] + (0 ..< readers.count).filter { $0 != first }
            for reader in order {
                // Another key first: the validation that sees the commit must forget `gina` too.
                #expect(try Self.byName(readers, reader: reader, "nobody", loads: &loads) == nil)
                #expect(try Self.byName(readers, reader: reader, loads: &loads)?.active == active,
                        "connection \(reader) after a commit first seen through \(first)")
            }
        }
    }

    @Test func aCommitOfThisStoreIsSeenThroughEveryReader() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        try await Self.expectEveryReaderSeesTheCommit(fixture) { active in
            _ = try await fixture.store.updateUser(id: fixture.user.id) { current in
                UserUpdate(input: userInput(current.userName, active: active, nkeys: ["UGINA"]))
            }
        }
    }

    @Test func aCommitOfAnotherHandleOnTheFileIsSeenThroughEveryReader() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        // The CLI opens a store of its own on the file; a plain GRDB queue is another handle.
        let cli = try IdentityDatabase.open(path: fixture.path, logger: quietLogger)
        try await Self.expectEveryReaderSeesTheCommit(fixture) { active in
            _ = try await cli.updateUser(id: fixture.user.id) { current in
                UserUpdate(input: userInput(current.userName, active: active, nkeys: ["UGINA"]))
            }
        }
        let queue = try DatabaseQueue(path: fixture.path, configuration: IdentityDatabase.configuration())
        try await Self.expectEveryReaderSeesTheCommit(fixture) { active in
            try await queue.write { db in
                try db.execute(sql: "UPDATE users SET active = ? WHERE id = ?", arguments: [active, fixture.user.id])
            }
        }
    }

    /// A read that began before a commit must not be remembered once another connection has
    /// seen that commit: that connection would otherwise serve it as current.
    @Test func aReadThatPredatesAnotherReadersClearIsNotRemembered() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let readers = fixture.readers
        let id = fixture.user.id
        var loads = 0
        // Connection 1 has seen the current version.
        #expect(try Self.byName(readers, reader: 1, loads: &loads)?.active == true)

        let beforeCommit = try readers.identity(.id(id), reader: 0, now: 0) { db in
            let read = try AuthStatements.identity(db, AuthStatements.byID, id)
            // While connection 0 holds this (now stale) read, the store commits and connection 1
            // answers a lookup: it sees the commit and starts a new epoch.
            try fixture.store.writer.write { db in
                try db.execute(sql: "UPDATE users SET active = 0 WHERE id = ?", arguments: [id])
            }
            #expect(try Self.byName(readers, reader: 1, loads: &loads)?.active == false)
            return read
        }
        #expect(beforeCommit?.active == true, "the caller gets what its snapshot held")

        loads = 0
        let after = try readers.identity(.id(id), reader: 1, now: 0) { db in
            loads += 1
            return try AuthStatements.identity(db, AuthStatements.byID, id)
        }
        #expect(after?.active == false)
        #expect(loads == 1, "the stale read was dropped, so this one reads")
    }

    /// Under real concurrency (lookups by name and by nkey on two tasks, over all connections,
    /// while the store commits): no lookup returns a state older than a commit that finished
    /// before it began.
    /// With an arrival, each lookup is stamped after the commit it checks against had finished
    /// (as a request read after it would be): the shared check must never let it be stale either.
    @Test(arguments: [false, true])
    func concurrentLookupsNeverGoBehindAFinishedCommit(withArrival: Bool) async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        final class Progress: Sendable {
            let committed: Atomic<Int64>
            let writing = Atomic<Bool>(true)
            let stale = Atomic<Int>(0)
            let checks = Atomic<Int>(0)
            init(_ version: Int64) { committed = Atomic(version) }
        }
        let progress = Progress(fixture.user.version)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0 ..< 2 {
                group.addTask {
                    var byName = false
                    while progress.writing.load(ordering: .acquiring) {
                        let floor = progress.committed.load(ordering: .acquiring)
                        let arrival = withArrival ? DispatchTime.now() : nil
                        // Two keys for one user: a validation that sees a commit while looking
                        // up one must forget the other too.
                        byName.toggle()
                        let seen = try byName ? fixture.store.identity(for: .userName("gina"), asOf: arrival)
                            : fixture.store.identity(for: .nkey("UGINA"), asOf: arrival)
                        if (seen?.version ?? -1) < floor { progress.stale.add(1, ordering: .relaxed) }
                        progress.checks.add(1, ordering: .relaxed)
                        await Task.yield()
                    }
                }
            }
            group.addTask {
                defer { progress.writing.store(false, ordering: .releasing) }
                for round in 0 ..< 100 {
                    let user = try await fixture.store.updateUser(id: fixture.user.id) { current in
                        UserUpdate(input: userInput(current.userName, displayName: "round \(round)", nkeys: ["UGINA"]))
                    }
                    progress.committed.store(user.version, ordering: .releasing)
                }
            }
            try await group.waitForAll()
        }
        #expect(progress.checks.load(ordering: .relaxed) > 0)
        #expect(progress.stale.load(ordering: .relaxed) == 0)
        let last = try fixture.store.identity(for: .userName("gina"))
        #expect(last?.displayName == "round 99")
        #expect(last?.version == progress.committed.load(ordering: .relaxed))
    }

    /// The requests of one socket read share one check for commits: a lookup for a request that
    /// arrived before a check started is answered from the cache, and one for a request that
    /// arrived after a commit (the next connect) is decided on it, through every connection.
    @Test func aLookupIsAnsweredAsOfItsRequestsArrival() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let readers = fixture.readers
        var loads = 0
        func lookup(_ reader: Int, arrival: DispatchTime) throws -> Identity? {
            try readers.identity(.userName("gina"), now: 0, arrival: arrival) { db in
                loads += 1
                return try AuthStatements.identity(db, AuthStatements.byUserNameKey, "gina")
            }
        }
        for reader in 0 ..< readers.count {
            _ = try Self.byName(readers, reader: reader, "warm-up", loads: &loads)
        }
        let readTogether = DispatchTime.now()
        loads = 0
        // The first request of the read validates (it arrived before any check began) and loads.
        #expect(try Self.byName(readers, reader: 0, loads: &loads)?.active == true)
        #expect(loads == 1)
        // A commit lands while the rest of that read is being decided.
        _ = try await fixture.store.updateUser(id: fixture.user.id) { current in
            UserUpdate(input: userInput(current.userName, active: false, nkeys: ["UGINA"]))
        }
        // The rest of the read arrived before the check above: the state then is their answer.
        for reader in 0 ..< readers.count {
            #expect(try lookup(reader, arrival: readTogether)?.active == true, "connection \(reader)")
        }
        #expect(loads == 1, "no read reached the database")
        // The next connect arrives after the commit: every connection answers with it.
        let next = DispatchTime.now()
        #expect(try lookup(0, arrival: next)?.active == false)
        for reader in 0 ..< readers.count {
            #expect(try lookup(reader, arrival: next)?.active == false, "connection \(reader)")
        }
        // And a request from before the commit that looks up after the new check gets the new state.
        #expect(try lookup(1, arrival: readTogether)?.active == false)
    }

    /// A remembered token result is re-checked against the clock on every hit, through any
    /// connection, without a commit in between.
    @Test func aSharedTokenResultExpiresOnEveryReader() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let readers = fixture.readers
        let expiry = (Date().timeIntervalSince1970 + 3600).rounded()
        let token = try await fixture.store.issueAccessToken(userName: "gina", name: "t",
                                                             expiresAt: Date(timeIntervalSince1970: expiry))
        let hash = SecretToken.hash(token.token)
        var loads = 0
        func lookup(_ reader: Int, at now: Double) throws -> Identity? {
            try readers.identity(.accessTokenHash(hash), reader: reader, now: now, transaction: true) { db in
                loads += 1
                return try AuthStatements.identity(db, accessTokenHash: hash, now: now)
            }
        }
        for reader in 0 ..< readers.count {
            _ = try Self.byName(readers, reader: reader, "warm-up", loads: &loads)
        }
        loads = 0
        #expect(try lookup(0, at: expiry - 1)?.id == fixture.user.id)
        for reader in 0 ..< readers.count {
            #expect(try lookup(reader, at: expiry - 1)?.credentialExpiresAt == Date(timeIntervalSince1970: expiry))
            #expect(try lookup(reader, at: expiry) == nil, "connection \(reader)")
        }
        #expect(loads == 1, "every answer but the first was a hit")
    }
}

import Foundation
import GRDB
import Synchronization
import Testing
import TestSupport
@testable import IdentityStore

/// The auth readers remember lookups only while no commit happened: every read after a write
/// made anywhere (this store's writer, another handle on the file as the CLI opens it) sees the
/// write, and an access token's expiry is honoured on a remembered result.
@Suite struct AuthLookupCacheTests {
    static func subject(_ id: String, version: Int64 = 1) -> Identity {
        Identity(id: id, userName: id, externalId: nil, displayName: nil, active: true, passwordHash: nil,
                 nkeys: [], tags: [], version: version, groups: [], jwtLifetimeSeconds: nil)
    }

    @Test func aNewDataVersionOnAnyReaderForgetsEverything() {
        var cache = AuthLookupCache(capacity: 10, readers: 2)
        #expect(cache.result(for: .id("a"), reader: 0, version: 1) == .miss(epoch: 1), "nothing yet")
        cache.remember(Self.subject("a"), for: .id("a"), epoch: 1)
        cache.remember(nil, for: .userName("ghost"), epoch: 1)
        #expect(cache.result(for: .id("a"), reader: 0, version: 1) == .hit(Self.subject("a")))
        #expect(cache.result(for: .userName("ghost"), reader: 0, version: 1) == .hit(nil), "a miss is remembered too")
        #expect(cache.count == 2)
        // Reader 1's first validation: it has never seen a version, so it cannot vouch for them.
        #expect(cache.result(for: .id("a"), reader: 1, version: 7) == .miss(epoch: 2))
        #expect(cache.count == 0)
        cache.remember(Self.subject("a"), for: .id("a"), epoch: 2)
        // Both readers agree with what they saw last: results are shared.
        #expect(cache.result(for: .id("a"), reader: 0, version: 1) == .hit(Self.subject("a")))
        #expect(cache.result(for: .id("a"), reader: 1, version: 7) == .hit(Self.subject("a")))
        // A commit shows on reader 0 first: everything goes, for reader 1 too.
        #expect(cache.result(for: .id("a"), reader: 0, version: 2) == .miss(epoch: 3))
        #expect(cache.result(for: .id("a"), reader: 1, version: 7) == .miss(epoch: 3))
        #expect(cache.result(for: .userName("ghost"), reader: 1, version: 7) == .miss(epoch: 3))
        // Reader 1 then sees the commit too: one more clear (its version is its own to compare).
        #expect(cache.result(for: .id("a"), reader: 1, version: 8) == .miss(epoch: 4))
        #expect(cache.epoch == 4)
    }

    @Test func aResultLoadedBeforeAnotherReadersClearIsDropped() {
        var cache = AuthLookupCache(capacity: 10, readers: 2)
        #expect(cache.result(for: .id("b"), reader: 1, version: 3) == .miss(epoch: 1))
        #expect(cache.result(for: .id("a"), reader: 0, version: 5) == .miss(epoch: 2))
        // While reader 0 reads "a", reader 1 sees a commit.
        #expect(cache.result(for: .id("b"), reader: 1, version: 4) == .miss(epoch: 3))
        cache.remember(Self.subject("a"), for: .id("a"), epoch: 2)
        #expect(cache.count == 0)
        #expect(cache.result(for: .id("a"), reader: 1, version: 4) == .miss(epoch: 3))
        // A read validated after the clear is kept.
        cache.remember(Self.subject("b"), for: .id("b"), epoch: 3)
        #expect(cache.result(for: .id("b"), reader: 0, version: 5) == .hit(Self.subject("b")))
    }

    /// A lookup for a request that arrived before a validation started may use that validation;
    /// one that arrived after the last one started may not, however fresh the entry looks.
    @Test func aValidationStartedAfterTheArrivalVouchesForTheRemembered() {
        var cache = AuthLookupCache(capacity: 10, readers: 2)
        #expect(cache.validatedResult(for: .id("a"), arrivedAt: 1) == nil, "nothing validated yet")
        #expect(cache.result(for: .id("a"), reader: 0, version: 1, started: 100) == .miss(epoch: 1))
        cache.remember(Self.subject("a"), for: .id("a"), epoch: 1)
        cache.remember(nil, for: .userName("ghost"), epoch: 1)
        #expect(cache.validatedResult(for: .id("a"), arrivedAt: 99) == .some(Self.subject("a")))
        #expect(cache.validatedResult(for: .id("a"), arrivedAt: 100) == .some(Self.subject("a")), "arrived as it started")
        #expect(cache.validatedResult(for: .userName("ghost"), arrivedAt: 50) == .some(nil), "a remembered none")
        #expect(cache.validatedResult(for: .id("a"), arrivedAt: 101) == nil, "arrived after: validate")
        #expect(cache.validatedResult(for: .id("b"), arrivedAt: 50) == nil, "not remembered: read")
        // A later validation on another reader vouches for later arrivals; an earlier start
        // finishing late does not move the mark back.
        #expect(cache.result(for: .id("a"), reader: 1, version: 7, started: 300) == .miss(epoch: 2))
        cache.remember(Self.subject("a", version: 2), for: .id("a"), epoch: 2)
        #expect(cache.result(for: .id("a"), reader: 0, version: 1, started: 200) == .hit(Self.subject("a", version: 2)))
        #expect(cache.validatedSince == 300)
        #expect(cache.validatedResult(for: .id("a"), arrivedAt: 250) == .some(Self.subject("a", version: 2)))
        // A clear leaves nothing to vouch for: the arrival before it reads again too.
        #expect(cache.result(for: .id("a"), reader: 0, version: 2, started: 400) == .miss(epoch: 3))
        #expect(cache.validatedResult(for: .id("a"), arrivedAt: 10) == nil)
        // Lookups without a start (no arrival known) leave the mark alone.
        #expect(cache.result(for: .id("a"), reader: 0, version: 2) == .miss(epoch: 3))
        #expect(cache.validatedSince == 400)
    }

    @Test func beyondCapacityItStartsOver() {
        var cache = AuthLookupCache(capacity: 3, readers: 1)
        #expect(cache.result(for: .id("x"), reader: 0, version: 1) == .miss(epoch: 1))
        for id in ["a", "b", "c"] { cache.remember(Self.subject(id), for: .id(id), epoch: 1) }
        #expect(cache.count == 3)
        cache.remember(Self.subject("d"), for: .id("d"), epoch: 1)
        #expect(cache.count == 1)
        #expect(cache.result(for: .id("d"), reader: 0, version: 1) == .hit(Self.subject("d")))
        #expect(cache.result(for: .id("a"), reader: 0, version: 1) == .miss(epoch: 1), "starting over is no commit")
    }

    /// Reads enough times that every auth reader connection has looked the user up (and
    /// remembered it), so the next reads would serve a stale result if any connection could.
    static func warm(_ store: IdentityDatabase, _ read: () throws -> Identity?) throws -> [Identity?] {
        try (0 ..< 3 * IdentityDatabase.readerCount).map { _ in try read() }
    }

    @Test func everyConnectionSeesAWriteOfThisStore() async throws {
        let dir = try TestEnvironment.temporaryDirectory("authcache")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try IdentityDatabase.open(path: dir.appendingPathComponent("identity.sqlite").path, logger: quietLogger)
        let user = try await store.createUser(userInput("gina", nkeys: ["UG1"]))
        #expect(try Self.warm(store) { try store.identity(for: .userName("gina")) }.allSatisfy { $0?.active == true })
        #expect(try Self.warm(store) { try store.identity(for: .nkey("UG1")) }.allSatisfy { $0?.id == user.id })

        _ = try await store.updateUser(id: user.id) { current in
            UserUpdate(input: userInput(current.userName, active: false, nkeys: ["UG2"]))
        }
        #expect(try Self.warm(store) { try store.identity(for: .userName("gina")) }.allSatisfy { $0?.active == false })
        #expect(try Self.warm(store) { try store.identity(for: .nkey("UG1")) }.allSatisfy { $0 == nil })

        try await store.deleteUser(id: user.id)
        #expect(try Self.warm(store) { try store.identity(for: .id(user.id)) }.allSatisfy { $0 == nil })
    }

    @Test func everyConnectionSeesAWriteOfAnotherHandleOnTheFile() async throws {
        let dir = try TestEnvironment.temporaryDirectory("authcache")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("identity.sqlite").path
        let service = try IdentityDatabase.open(path: path, logger: quietLogger)
        // The CLI opens its own handle (its own connections) on the same file.
        let cli = try IdentityDatabase.open(path: path, logger: quietLogger)
        let user = try await cli.createUser(userInput("hank"))
        let token = try await cli.issueAccessToken(userName: "hank", name: "t")
        let hash = SecretToken.hash(token.token)
        #expect(try Self.warm(service) { try service.identity(for: .accessTokenHash(hash)) }.allSatisfy { $0?.id == user.id })
        #expect(try Self.warm(service) { try service.identity(for: .userName("nobody")) }.allSatisfy { $0 == nil })

        try await cli.revokeAccessToken(id: token.info.id)
        _ = try await cli.createUser(userInput("nobody"))
        #expect(try Self.warm(service) { try service.identity(for: .accessTokenHash(hash)) }.allSatisfy { $0 == nil })
        #expect(try Self.warm(service) { try service.identity(for: .userName("nobody")) }.allSatisfy { $0 != nil })
    }

    @Test func aRememberedTokenStopsWorkingWhenItExpires() async throws {
        let dir = try TestEnvironment.temporaryDirectory("authcache")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("identity.sqlite").path
        let clock = Mutex(Date(timeIntervalSince1970: 1_900_000_000))
        let pool = try DatabasePool(path: path, configuration: IdentityDatabase.configuration())
        let store = try IdentityDatabase(pool, logger: quietLogger, now: { clock.withLock { $0 } },
                                         authReaders: { try AuthReaders(path: path, count: 2) })
        _ = try await store.createUser(userInput("ida"))
        let token = try await store.issueAccessToken(userName: "ida", name: "t",
                                                     expiresAt: Date(timeIntervalSince1970: 1_900_000_060))
        let hash = SecretToken.hash(token.token)
        #expect(try Self.warm(store) { try store.identity(for: .accessTokenHash(hash)) }.allSatisfy { $0 != nil })
        // No commit in between: only the clock moved.
        clock.withLock { $0 = Date(timeIntervalSince1970: 1_900_000_060) }
        #expect(try Self.warm(store) { try store.identity(for: .accessTokenHash(hash)) }.allSatisfy { $0 == nil })
    }
}

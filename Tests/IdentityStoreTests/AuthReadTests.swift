import Foundation
import GRDB
import Testing
import TestSupport
@testable import IdentityStore

/// The auth read path (cached statements, read on the calling thread) returns exactly what the
/// previous single-query read (`json_group_array` subqueries decoded with `JSONDecoder`) returned,
/// on the in-memory queue and on a file pool, and always sees the latest commit.
@Suite struct AuthReadTests {
    /// The previous implementation, kept here as the oracle.
    static func referenceSubject(_ db: Database, where condition: String, _ argument: String) throws -> Identity? {
        let sql = """
            SELECT u.id, u.user_name, u.external_id, u.display_name, u.active, u.password_hash, u.tags,
                   u.jwt_lifetime_seconds, u.version,
                   (SELECT json_group_array(public_key) FROM user_nkeys WHERE user_id = u.id) AS nkeys,
                   (SELECT json_group_array(json_object('id', g.id, 'displayName', g.display_name,
                                                        'externalId', g.external_id))
                    FROM group_members m JOIN groups g ON g.id = m.group_id
                    WHERE m.member_id = u.id) AS groups
            FROM users u WHERE \(condition)
            """
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [argument]) else { return nil }
        let decoder = JSONDecoder()
        func strings(_ column: String) -> [String] {
            guard let text: String = row[column] else { return [] }
            return (try? decoder.decode([String].self, from: Data(text.utf8))) ?? []
        }
        let groupsText: String = row["groups"] ?? "[]"
        let groups = (try? decoder.decode([GroupRef].self, from: Data(groupsText.utf8))) ?? []
        return Identity(
            id: row["id"], userName: row["user_name"], externalId: row["external_id"],
            displayName: row["display_name"], active: row["active"], passwordHash: row["password_hash"],
            nkeys: strings("nkeys").sorted(), tags: strings("tags"), version: row["version"],
            groups: groups.sorted { $0.displayName < $1.displayName }, jwtLifetimeSeconds: row["jwt_lifetime_seconds"])
    }

    /// Users covering every column shape: no extras, nkeys, several groups, tags that need
    /// escaping (quotes, backslash, slash, control characters, non-ASCII), unicode names.
    static func populate(_ store: IdentityDatabase) async throws -> [StoredUser] {
        let hash = try PasswordHasher.testing.hashSync("pw")
        let plain = try await store.createUser(userInput("plain"))
        var rich = userInput("Émile Zoë 🚀", externalId: "ext-1", displayName: "Émile", nkeys: ["UZZ", "UAA", "UMM"],
                             tags: ["ops", "quote\"d", "back\\slash", "sl/ash", "tab\tnew\nline", "\u{01}", "ü", "日本"])
        rich.jwtLifetimeSeconds = 900
        let richUser = try await store.createUser(rich, passwordHash: hash)
        let inactive = try await store.createUser(userInput("inactive", active: false, nkeys: ["UIN"], tags: ["x"]))
        for (name, externalId) in [("zeta", "z-ext"), ("Alpha", nil), ("ünïcode grp", "u")] as [(String, String?)] {
            _ = try await store.createGroup(groupInput(name, externalId: externalId),
                                            members: [MemberInput(value: richUser.id, type: "User"),
                                                      MemberInput(value: inactive.id, type: "User")])
        }
        return [plain, richUser, inactive]
    }

    static func expectSameAsReference(_ store: IdentityDatabase, _ users: [StoredUser]) async throws {
        for user in users {
            let reference = try await store.writer.read { db in try Self.referenceSubject(db, where: "u.id = ?", user.id) }
            let expected = try #require(reference)
            #expect(try store.identity(for: .id(user.id)) == expected)
            #expect(try store.identity(for: .userName(user.userName.uppercased())) == expected)
            for key in expected.nkeys {
                #expect(try store.identity(for: .nkey(key)) == expected)
            }
            let token = try await store.issueAccessToken(userName: user.userName, name: "t")
            #expect(try store.identity(for: .accessTokenHash(SecretToken.hash(token.token))) == expected)
        }
        let rich = try #require(try store.identity(for: .userName("émile zoë 🚀")))
        #expect(rich.nkeys == ["UAA", "UMM", "UZZ"])
        #expect(rich.groups.map(\.displayName) == ["Alpha", "zeta", "ünïcode grp"])
        #expect(rich.groups.map(\.externalId) == [nil, "z-ext", "u"])
        #expect(rich.tags == ["ops", "quote\"d", "back\\slash", "sl/ash", "tab\tnew\nline", "\u{01}", "ü", "日本"])
        #expect(try store.identity(for: .userName("plain"))?.groups == [])
        #expect(try store.identity(for: .userName("plain"))?.nkeys == [])
        #expect(try store.identity(for: .userName("missing")) == nil)
        #expect(try store.identity(for: .nkey("UNOBODY")) == nil)
        #expect(try store.identity(for: .id("no-such-id")) == nil)
        #expect(try store.identity(for: .accessTokenHash(SecretToken.hash("not-a-token"))) == nil)
    }

    @Test func inMemoryReadMatchesTheReferenceQuery() async throws {
        let store = try makeStore()
        try await Self.expectSameAsReference(store, try await Self.populate(store))
    }

    @Test func filePoolReadMatchesTheReferenceQuery() async throws {
        let dir = try TestEnvironment.temporaryDirectory("authread")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try IdentityDatabase.open(path: dir.appendingPathComponent("identity.sqlite").path, logger: quietLogger)
        try await Self.expectSameAsReference(store, try await Self.populate(store))
    }

    /// A change committed between two decisions decides the second one (cached statements never
    /// hold on to a snapshot).
    @Test(arguments: [false, true])
    func aChangeIsSeenByTheNextRead(filePool: Bool) async throws {
        let dir = try TestEnvironment.temporaryDirectory("authread")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = filePool
            ? try IdentityDatabase.open(path: dir.appendingPathComponent("identity.sqlite").path, logger: quietLogger)
            : try makeStore()
        let user = try await store.createUser(userInput("frank", nkeys: ["UF1"]))
        let first = try #require(try store.identity(for: .userName("frank")))
        #expect(first.active && first.groups.isEmpty)

        _ = try await store.updateUser(id: user.id) { current in
            UserUpdate(input: userInput(current.userName, active: false, nkeys: ["UF2"]))
        }
        let second = try #require(try store.identity(for: .userName("frank")))
        #expect(!second.active)
        #expect(second.nkeys == ["UF2"])
        #expect(second.version > first.version)
        #expect(try store.identity(for: .nkey("UF1")) == nil)

        let group = try await store.createGroup(groupInput("ops"), members: [MemberInput(value: user.id, type: "User")])
        #expect(try store.identity(for: .nkey("UF2"))?.groups.map(\.id) == [group.id])
        try await store.deleteGroup(id: group.id)
        #expect(try store.identity(for: .id(user.id))?.groups == [])
        try await store.deleteUser(id: user.id)
        #expect(try store.identity(for: .userName("frank")) == nil)
    }

    /// Many more concurrent reads than pool readers and cooperative threads, while a writer
    /// commits: every read finishes (the blocking read never waits on an async task) and sees a
    /// committed state.
    @Test func concurrentReadsOnAFilePoolAllFinish() async throws {
        let dir = try TestEnvironment.temporaryDirectory("authread")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try IdentityDatabase.open(path: dir.appendingPathComponent("identity.sqlite").path, logger: quietLogger)
        let users = try await Self.populate(store)
        let names = users.map(\.userName)
        let found = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for index in 0 ..< 20 { _ = try await store.createUser(userInput("writer-\(index)")) }
                return 0
            }
            for task in 0 ..< 64 {
                group.addTask {
                    var hits = 0
                    for round in 0 ..< 20 where try store.identity(for: .userName(names[(task + round) % names.count])) != nil {
                        hits += 1
                    }
                    return hits
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(found == 64 * 20)
        #expect(try store.identity(for: .userName("writer-19")) != nil)
    }

    @Test func tagArraysDecodeLikeJSONDecoder() throws {
        let samples = [
            "[]", #"["a"]"#, #"["a","b"]"#, #"["quo\"te","back\\slash","sl\/ash"]"#, #"["\b\f\n\r\t"]"#,
            #"["\u00e9","\ud83d\ude80"]"#, #"[ "spaced" ]"#, #"["unterminated]"#, #"["a",]"#, #"["a""b"]"#,
            "not json", "", "[", #"[1,2]"#, #"["bad \x escape"]"#, "[\"raw\ttab\"]", #"["ü","日本"]"#,
        ]
        for sample in samples {
            let expected = (try? JSONDecoder().decode([String].self, from: Data(sample.utf8))) ?? []
            #expect(JSONStringArray.decode(sample) == expected, "\(sample)")
        }
        // One reader for every shape: no second parser behind it.
        #expect(JSONStringArray.decode(#"["ops","eu"]"#) == ["ops", "eu"])
        #expect(JSONStringArray.decode(#"["\u00e9"]"#) == ["é"])
    }

    @Test func fileStoresHaveAReaderPerCooperativeThreadAndSpares() throws {
        let dir = try TestEnvironment.temporaryDirectory("authread")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try IdentityDatabase.open(path: dir.appendingPathComponent("identity.sqlite").path, logger: quietLogger)
        let pool = try #require(store.writer as? DatabasePool)
        #expect(pool.configuration.maximumReaderCount >= ProcessInfo.processInfo.activeProcessorCount + 4)
    }

    /// File stores answer auth lookups on read-only connections of their own (no pool checkout,
    /// no schema check per read); they cannot write, and in-memory stores have none.
    @Test func fileStoresHaveReadOnlyAuthReaders() async throws {
        let dir = try TestEnvironment.temporaryDirectory("authread")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try IdentityDatabase.open(path: dir.appendingPathComponent("identity.sqlite").path, logger: quietLogger)
        let readers = try #require(store.authReaders)
        #expect(throws: DatabaseError.self) {
            try readers.identity(.id("any"), now: 0) { db in
                try db.execute(sql: "DELETE FROM users")
                return nil
            }
        }
        #expect(try IdentityDatabase.inMemory(logger: quietLogger).authReaders == nil)
    }
}

/// The ASCII shortcut of `IdentityKey.fold` gives what the full Unicode fold gives.
@Suite struct IdentityKeyFoldTests {
    static func fullFold(_ value: String) -> String {
        value.precomposedStringWithCanonicalMapping.uppercased().lowercased()
    }

    @Test func asciiFoldsLikeTheUnicodeFold() {
        let everyASCII = String(decoding: (0 ..< 128).map { UInt8($0) }, as: UTF8.self)
        for value in [everyASCII, "", "alice", "ALICE", "Bob.Smith@Example.COM", "user0", "MiXeD-123_~"] {
            #expect(IdentityKey.fold(value) == Self.fullFold(value), "\(value.debugDescription)")
        }
    }

    @Test func nonASCIIStillUsesTheFullFold() {
        #expect(IdentityKey.fold("ÉMILE") == "émile")
        #expect(IdentityKey.fold("E\u{301}mile") == "émile")
        #expect(IdentityKey.fold("Straße") == "strasse")
        for value in ["ΣΊΣΥΦΟΣ", "İstanbul", "Ǆemal", "ﬁne"] {
            #expect(IdentityKey.fold(value) == Self.fullFold(value))
        }
    }
}

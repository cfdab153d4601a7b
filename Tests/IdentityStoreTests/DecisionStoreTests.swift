import Foundation
import GRDB
import GRDBSQLite
import Testing
@testable import IdentityStore

@Suite("Decisions table", .timeLimit(.minutes(1)))
struct DecisionStoreTests {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)

    func record(_ index: Int, user: String = "alice", result: DecisionRecord.Result = .allow,
                reason: DecisionReason = .allowed, at offset: TimeInterval = 0) -> DecisionRecord {
        DecisionRecord(time: Self.start.addingTimeInterval(offset), result: result, reason: reason, userName: user, userID: "id-\(user)",
                       grantedBy: ["developers"], account: "APP", authMethod: .password, clientHost: "10.0.0.\(index)",
                       clientID: UInt64(index), clientName: "app", clientLang: "go", clientVersion: "1.0", serverID: "NSERVER",
                       serverName: "n1", latencyMicroseconds: 120, jwtID: "JTI\(index)", jwtExpires: Self.start.addingTimeInterval(3600))
    }

    @Test func storesQueriesAndRoundTrips() async throws {
        let store = try DecisionStore.inMemory(now: { Self.start })
        let records = [record(1), record(2, user: "bob", result: .deny, reason: .wrongSecret, at: 10),
                       record(3, at: 20), record(4, user: "bob", result: .deny, reason: .noBinding, at: 30)]
        try await store.append(records)
        #expect(try await store.count() == 4)
        let all = try await store.decisions(DecisionQuery())
        #expect(all.map(\.record) == records)
        #expect(try await store.decisions(DecisionQuery(userName: "bob")).map(\.record.clientID) == [2, 4])
        #expect(try await store.decisions(DecisionQuery(result: .deny, reason: .noBinding)).map(\.record.clientID) == [4])
        let window = DecisionQuery(since: Self.start.addingTimeInterval(10), until: Self.start.addingTimeInterval(30))
        #expect(try await store.decisions(window).map(\.record.clientID) == [2, 3])
        #expect(try await store.decisions(DecisionQuery(limit: 2, newestFirst: true)).map(\.record.clientID) == [4, 3])
    }

    /// Every column as bound, with the values binding gets wrong: empty strings (not NULL),
    /// NULLs, multi-byte text, control characters, the largest client id, fractional times.
    @Test func everyColumnRoundTripsThroughTheTable() async throws {
        let store = try DecisionStore.inMemory(now: { Self.start })
        var full = DecisionRecord(time: Self.start.addingTimeInterval(0.25), result: .revoke, reason: .allowed, userName: "",
                                  userID: "ïd-漢字-🙂", grantedBy: ["", "a\"b", "c\\d\u{1}"], account: "APP", authMethod: .token,
                                  clientHost: "::1", clientID: UInt64.max, clientName: "tab\tinside", clientLang: "",
                                  clientVersion: "1", serverID: "NSERVER", serverName: "n\n1", latencyMicroseconds: Int64.max, queueMicroseconds: 17,
                                  jwtID: "JTI", jwtExpires: Self.start.addingTimeInterval(3600.5), sessionsCut: 3, detail: "détail")
        full.tokenIssuer = "https://idp.example.com"
        full.tokenSubject = "00u1"
        full.tokenKeyID = "k-2026"
        let empty = DecisionRecord(time: Self.start, result: .deny, reason: .noCredentials)
        try await store.append([full, empty])
        let stored = try await store.decisions(DecisionQuery()).map(\.record)
        #expect(stored == [full, empty])
        // An empty name is stored as an empty string, not NULL: it is found as one.
        #expect(try await store.decisions(DecisionQuery(userName: "")).map(\.record.id) == [full.id])
    }

    /// SQLite hands text back as C strings: a client claiming `alice\0x` must not read back as
    /// `alice`. The NUL is stored as U+FFFD, in every text column.
    @Test func aNULInAClaimedNameIsNotCutAtTheNUL() async throws {
        let store = try DecisionStore.inMemory(now: { Self.start })
        var record = record(5, user: "alice\u{0}x", result: .deny, reason: .unknownUser)
        record.clientName = "\u{0}"
        record.detail = "a\u{0}b\u{0}"
        try await store.append([record])
        let stored = try #require(try await store.decisions(DecisionQuery()).first?.record)
        #expect(stored.userName == "alice\u{FFFD}x")
        #expect(stored.clientName == "\u{FFFD}")
        #expect(stored.detail == "a\u{FFFD}b\u{FFFD}")
        #expect(try await store.decisions(DecisionQuery(userName: "alice")).isEmpty)
    }

    /// A value SQLite refuses to bind (here: longer than the connection's length limit) fails the
    /// batch: no row is stored with that value silently missing.
    @Test func aRefusedBindFailsTheBatchInsteadOfStoringANull() async throws {
        let queue = try DatabaseQueue()
        let store = try DecisionStore(queue, now: { Self.start })
        // After the migration: the schema's own text is longer than this.
        try await queue.write { db in _ = sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, 1_000) }
        var long = record(1)
        long.detail = String(repeating: "x", count: 2_000)
        await #expect(throws: DatabaseError.self) { try await store.append([record(0), long]) }
        #expect(try await store.count() == 0)
        // The same batch without the oversized value is stored whole.
        long.detail = "short"
        try await store.append([record(0), long])
        #expect(try await store.decisions(DecisionQuery()).map(\.record.detail) == [nil, "short"])
    }

    /// A table written before `queue_us` existed gains the column; its rows read back without one.
    @Test func aVersionOneTableGainsTheQueueColumn() async throws {
        let queue = try DatabaseQueue()
        try DecisionStore.migrator.migrate(queue, upTo: "callout-v1-decisions")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO decisions (id, time, result, reason, auth_method, latency_us)
                VALUES ('old', ?, 'deny', 'unknown_user', 'password', 42)
                """, arguments: [Self.start.timeIntervalSince1970])
        }
        let store = try DecisionStore(queue, now: { Self.start })
        var new = record(2)
        new.queueMicroseconds = 9
        try await store.append([new])
        let stored = try await store.decisions(DecisionQuery()).map(\.record)
        #expect(stored.map(\.id) == ["old", new.id])
        #expect(stored.first?.queueMicroseconds == nil)
        #expect(stored.first?.latencyMicroseconds == 42)
        #expect(stored.last == new)
    }

    @Test func retentionKeepsTheNewestRowsAndDropsOldOnes() async throws {
        let now = Self.start.addingTimeInterval(100 * 86_400)
        let store = try DecisionStore.inMemory(retention: .init(maxRows: 3, maxAge: .seconds(86_400)), now: { now })
        let recent = now.timeIntervalSince(Self.start) - 10
        try await store.append([record(1, at: 0)] + (2 ... 6).map { record($0, at: recent) })
        // The old row went by age; then only the newest three stayed.
        #expect(try await store.decisions(DecisionQuery()).map(\.record.clientID) == [4, 5, 6])
    }

    @Test func followDeliversNewRows() async throws {
        let store = try DecisionStore.inMemory(now: { Self.start })
        try await store.append([record(1)])
        var iterator = try await store.follow(DecisionQuery(userName: "carol"), every: .milliseconds(5)).makeAsyncIterator()
        try await store.append([record(2), record(3, user: "carol")])
        let next = try await iterator.next()
        #expect(next?.record.clientID == 3)
    }

    @Test func grantedByIsWrittenAsJSONThatJSONDecoderReadsBack() throws {
        for names in [[], ["demo"], ["a\"b", "back\\slash", "tab\t nl\n \u{1}", "é 漢 🙂", "</x>"]] as [[String]] {
            let text = DecisionStore.jsonStringArray(names)
            #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == names, "\(text)")
        }
    }

    /// The rows of one batch share one text buffer: a long row followed by shorter ones (and
    /// NULLs where it had text) stores each row's own values, and `granted_by` holds exactly the
    /// text `jsonStringArray` writes.
    @Test func rowsOfOneBatchKeepTheirOwnTextAndGrantedByJSON() async throws {
        let queue = try DatabaseQueue()
        let store = try DecisionStore(queue, now: { Self.start })
        var long = record(1, user: String(repeating: "long-name-", count: 40))
        long.grantedBy = ["a\"b", "back\\slash", "tab\t nl\n \u{1}", "é 漢 🙂", "</x>", String(repeating: "g", count: 300)]
        long.detail = String(repeating: "d", count: 2_000)
        var short = record(2, user: "b")
        short.grantedBy = []
        short.detail = ""
        let bare = DecisionRecord(time: Self.start, result: .deny, reason: .noCredentials)
        let records = [long, short, bare, record(3, user: "c\u{0}")]
        try await store.append(records)
        var expected = records
        expected[3].userName = "c\u{FFFD}"
        expected[3].userID = "id-c\u{FFFD}"
        #expect(try await store.decisions(DecisionQuery()).map(\.record) == expected)
        let grantedBy = try await queue.read { db in try String.fetchAll(db, sql: "SELECT granted_by FROM decisions ORDER BY seq") }
        #expect(grantedBy == records.map { DecisionStore.jsonStringArray($0.grantedBy) })
    }

    @Test func recordsNeverCarrySecrets() throws {
        // The record type has no field that could hold a password, token, signature or seed.
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(record(1))) as? [String: Any]
        let keys = try #require(object).keys.map { $0.lowercased() }
        #expect(keys.count >= 15)
        for word in ["pass", "token", "seed", "sig", "secret"] { #expect(!keys.contains { $0.contains(word) }) }
    }
}

import Foundation
import IdentityStore
import Logging
import Testing
@testable import AuthCallout

@Suite("Published decision JSON")
struct PublishedDecisionTests {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)

    static func full() -> DecisionRecord {
        var record = DecisionRecord(
            id: "2xblqvrqwrjry4xu", time: start.addingTimeInterval(0.75), result: .allow, reason: .allowed, userName: "alice",
            userID: "u-1", grantedBy: ["developers", "ops"], account: "APP", authMethod: .oidc, clientHost: "10.0.0.1",
            clientID: 42, clientName: "app \"one\"", clientLang: "go", clientVersion: "1.0", serverID: "NSERVER",
            serverName: "n1", latencyMicroseconds: 270, queueMicroseconds: 12, jwtID: "JTI", jwtExpires: start.addingTimeInterval(3600),
            sessionsCut: 2, detail: "line\nbreak \u{2028} / slash")
        record.tokenIssuer = "https://idp.example.com"
        record.tokenSubject = "sub-1"
        record.tokenKeyID = "kid-1"
        return record
    }

    /// `decisions --json` printed `JSONEncoder`'s encoding before it printed these bytes: the
    /// fields, their names, order and values stay what readers of that output parse.
    @Test(arguments: [full(), DecisionRecord(id: "abc", time: start, result: .deny, reason: .wrongSecret, userName: "bob")])
    func sameObjectAsTheCodableRecord(_ record: DecisionRecord) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = try JSONSerialization.jsonObject(with: encoder.encode(record)) as? NSDictionary
        let written = PublishedDecision(record: record).json
        let actual = try JSONSerialization.jsonObject(with: Data(written)) as? NSDictionary
        #expect(actual == expected)
        // Keys in the same order as JSONEncoder's sorted output.
        let keys = { (bytes: [UInt8]) in
            String(decoding: bytes, as: UTF8.self).matches(of: /"([A-Za-z]+)":/).map { String($0.output.1) }
        }
        #expect(keys(written) == keys(Array(try encoder.encode(record))))
    }

    @Test func oneLineWithTheReplicaThatRoundTrips() throws {
        var record = Self.full()
        record.time = Self.start  // whole seconds: the JSON keeps whole seconds
        let published = PublishedDecision(record: record, replica: "node-2")
        let text = String(decoding: published.json, as: UTF8.self)
        #expect(!text.contains("\n") && !text.contains("\u{2028}"))
        #expect(text.contains(#""reason":"allowed","replica":"node-2","result":"allow""#))
        let read = try PublishedDecision(json: published.json)
        #expect(read == published)
    }

    @Test func refusesWhatIsNotARecordNamingTheField() {
        #expect(throws: DecisionJSONError("not a JSON object")) { try PublishedDecision(json: Array("[1]".utf8)) }
        #expect(throws: DecisionJSONError("result is missing or not allow, deny or revoke")) {
            try PublishedDecision(json: Array(#"{"id":"a","time":"2026-01-01T00:00:00Z","reason":"allowed","authMethod":"none"}"#.utf8))
        }
        #expect(throws: DecisionJSONError("time is not an RFC 3339 time")) {
            try PublishedDecision(json: Array(#"{"id":"a","time":"yesterday","result":"deny","reason":"allowed","authMethod":"none"}"#.utf8))
        }
        #expect(throws: DecisionJSONError("clientID is not a whole number in range")) {
            try PublishedDecision(json: Array(#"{"id":"a","time":"2026-01-01T00:00:00Z","result":"deny","reason":"allowed","authMethod":"none","clientID":-1}"#.utf8))
        }
        #expect(throws: (any Error).self) { try PublishedDecision(json: Array("{".utf8)) }
    }

    /// The feed gets every batch the table gets, and still gets them with no table at all.
    @Test(.timeLimit(.minutes(1)))
    func feedReceivesEveryRecordWithOrWithoutATable() async throws {
        for withTable in [true, false] {
            let feed = RecordingFeed()
            let table = withTable ? RecordingTable() : nil
            let log = DecisionLog(logger: Logger(label: "d", factory: { _ in SwiftLogNoOpLogHandler() }), sink: table, feed: feed,
                                  batchSize: 4, flushInterval: .zero)
            let running = Task { await log.run() }
            let records = (0 ..< 10).map { DecisionRecord(id: "r\($0)", time: Self.start, result: .deny, reason: .wrongSecret) }
            for record in records { log.record(record) }
            log.finish()
            await running.value
            #expect(feed.records.map(\.id) == records.map(\.id))
            #expect(feed.batchSizes.allSatisfy { $0 <= 4 })
            if let table { #expect(table.records.map(\.id) == records.map(\.id)) }
        }
    }
}

private final class RecordingFeed: DecisionFeed, @unchecked Sendable {
    private let lock = NSLock()
    private var batches: [[DecisionRecord]] = []
    func publish(_ records: [DecisionRecord]) async { lock.withLock { batches.append(records) } }
    var records: [DecisionRecord] { lock.withLock { batches.flatMap { $0 } } }
    var batchSizes: [Int] { lock.withLock { batches.map(\.count) } }
}

private final class RecordingTable: DecisionSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [DecisionRecord] = []
    func append(_ records: [DecisionRecord]) async throws { lock.withLock { stored.append(contentsOf: records) } }
    var records: [DecisionRecord] { lock.withLock { stored } }
}

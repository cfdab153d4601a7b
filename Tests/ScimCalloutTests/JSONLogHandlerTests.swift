import Foundation
import IdentityStore
import Logging
import Synchronization
import AuthCallout
import JSON
import Testing
@testable import scim_callout

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let storage = Mutex<[String]>([])
        func append(_ line: String) { storage.withLock { $0.append(line) } }
        var all: [String] { storage.withLock { $0 } }

        /// A logger whose JSON lines (at `.info` and above) are collected here.
        func logger(label: String) -> Logger {
            Logger(label: label) { label in
                JSONLogHandler(label: label, level: .info, write: { self.append(String(decoding: $0, as: UTF8.self)) })
            }
        }
    }

    @Test func oneObjectPerLineWithMetadata() throws {
        let lines = Lines()
        var logger = lines.logger(label: "test")
        logger[metadataKey: "component"] = "callout"
        logger.debug("hidden")
        logger.info("decision", metadata: ["user": "alice", "groups": ["a", "b"], "quote": "he said \"hi\"\n"])
        #expect(lines.all.count == 1, "debug is below the level")
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false, "one line per entry")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["msg"] as? String == "decision")
        #expect(object["level"] as? String == "info")
        #expect(object["logger"] as? String == "test")
        #expect(object["component"] as? String == "callout")
        #expect(object["groups"] as? [String] == ["a", "b"])
        #expect(object["quote"] as? String == "he said \"hi\"\n")
        #expect((object["ts"] as? String)?.hasSuffix("Z") == true)
    }

    /// Random strings over the characters that matter (every control byte, quote, backslash, the
    /// line separators and their near misses U+2027 / U+20AC, which share the lead byte E2,
    /// multi-byte text) at every position: each decodes back to itself.
    @Test func everyStringRoundTripsThroughJSONSerialization() throws {
        let alphabet: [Character] = (0 ..< 0x20).map { Character(Unicode.Scalar(UInt8($0))) }
            + ["\"", "\\", "/", "a", "Z", " ", "\u{2028}", "\u{2029}", "\u{2027}", "\u{20AC}", "é", "漢", "🙂", "\u{7F}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 500 {
            let length = Int(generator.next(upperBound: UInt64(24)))
            let string = String((0 ..< length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
            var writer = JSONWriter(dialect: .lineSafe)
            writer.string(string)
            let encoded = writer.finished()
            let text = String(decoding: encoded, as: UTF8.self)
            #expect(!text.contains("\u{2028}") && !text.contains("\u{2029}") && !text.contains("\n"))
            let decoded = try JSONSerialization.jsonObject(with: Data(encoded), options: .fragmentsAllowed) as? String
            #expect(decoded == string, "\(Array(string.unicodeScalars))")
        }
    }

    @Test func escapesEverythingJSONNeedsAndKeepsUnicode() throws {
        let lines = Lines()
        let logger = lines.logger(label: "t\u{1}")
        let tricky = "q\" b\\ nl\n cr\r tab\t bell\u{7} nul\u{0} ls\u{2028} ps\u{2029} é 漢 🙂 </script>"
        logger.info("m\n", metadata: ["z": .string(tricky), "a": ["k": ["1", .stringConvertible(2)]], "msg": "not me"])
        let line = try #require(lines.all.first)
        #expect(line.dropLast().contains("\n") == false)
        #expect(!line.contains("\u{2028}") && !line.contains("\u{2029}"), "raw line separators would split the line in some readers")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["z"] as? String == tricky)
        #expect(object["logger"] as? String == "t\u{1}")
        #expect(object["msg"] as? String == "m\n", "metadata cannot replace the fixed fields")
        #expect((object["a"] as? [String: [String]])?["k"] == ["1", "2"])
        // Fixed fields first, then metadata keys in order.
        let keys = ["\"ts\"", "\"level\"", "\"logger\"", "\"msg\"", "\"a\"", "\"z\""].map { line.range(of: $0)?.lowerBound }
        let found = keys.compactMap { $0 }
        #expect(found.count == keys.count && found == found.sorted())
    }

    static func decision() -> DecisionRecord {
        DecisionRecord(time: Date(timeIntervalSince1970: 1_767_225_600), result: .allow, reason: .allowed, userName: "alice",
                       userID: "id-1", grantedBy: ["developers", "ops \"x\""], account: "APP", authMethod: .nkey,
                       clientHost: "10.0.0.1", clientID: 42, clientName: "app\n", clientLang: "python3", clientVersion: "2.9",
                       serverID: "NSERVER", serverName: "n1", latencyMicroseconds: 187, jwtID: "JTI",
                       jwtExpires: Date(timeIntervalSince1970: 1_767_229_200), sessionsCut: 1, detail: "é\u{2028}")
    }

    /// Without the `ts` field (the handler stamps lines with the time of writing).
    static func withoutTimestamp(_ line: String) -> String {
        line.replacingOccurrences(of: #""ts":"[^"]*","#, with: "", options: .regularExpression)
    }

    /// A decision's fields, logged as one value, make the same bytes as the same fields logged
    /// as one metadata key each, other metadata merged in key order.
    @Test func decisionFieldsAreWrittenAsIfEachWereAKey() throws {
        let lines = Lines()
        var logger = lines.logger(label: "callout")
        logger[metadataKey: "component"] = "callout"
        logger[metadataKey: "zz.last"] = "z"
        let record = Self.decision()
        logger.info("decision", metadata: [DecisionLog.metadataKey: .stringConvertible(DecisionLogFields(record))])
        logger.info("decision", metadata: DecisionLog.metadata(for: record))
        let all = lines.all
        try #require(all.count == 2)
        #expect(Self.withoutTimestamp(all[0]) == Self.withoutTimestamp(all[1]))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(all[0].utf8)) as? [String: Any])
        #expect(object[DecisionLog.metadataKey] == nil, "the group's own key is not written")
        #expect(object["decision.granted_by"] as? [String] == ["developers", "ops \"x\""])
        #expect(object["client.name"] as? String == "app\n")
        #expect(object["decision.detail"] as? String == "é\u{2028}")
        #expect(object["component"] as? String == "callout")
        #expect(object["zz.last"] as? String == "z")
        // Keys in order: the logger's keys sit among the decision's, not after them.
        let keys = try NSRegularExpression(pattern: #"[{,]"([^"]+)":"#).matches(in: all[0], range: NSRange(all[0].startIndex..., in: all[0]))
            .compactMap { Range($0.range(at: 1), in: all[0]).map { String(all[0][$0]) } }
        let metadataKeys = Array(keys.dropFirst(4))
        #expect(metadataKeys == metadataKeys.sorted())
        #expect(metadataKeys.first == "client.host" && metadataKeys.contains("component") && metadataKeys.last == "zz.last")
    }

    @Test func aDecisionFieldYieldsToEventMetadataAndWinsOverTheLoggers() throws {
        let lines = Lines()
        var logger = lines.logger(label: "callout")
        logger[metadataKey: "decision.id"] = "from-logger"
        let record = Self.decision()
        logger.info("decision", metadata: [DecisionLog.metadataKey: .stringConvertible(DecisionLogFields(record)),
                                           "user.name": "from-event"])
        let line = try #require(lines.all.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["user.name"] as? String == "from-event")
        #expect(object["decision.id"] as? String == record.id)
        #expect(line.components(separatedBy: "\"user.name\"").count == 2, "each key once")
        #expect(line.components(separatedBy: "\"decision.id\"").count == 2, "each key once")
    }

    /// A line whose event metadata is one decision (or nothing) takes a shorter path than a line
    /// with other metadata; both write the same bytes, whatever the logger's own metadata: keys
    /// before, among and after the decision's, one equal to a decision key, a fixed field's name.
    @Test func theDecisionOnlyPathWritesWhatTheGeneralPathWrites() throws {
        let lines = Lines()
        func logger(generalPath: Bool) -> Logger {
            var handler = JSONLogHandler(label: "callout", level: .info, write: { lines.append(String(decoding: $0, as: UTF8.self)) })
            // A metadata provider, even an empty one, takes every line down the general path.
            if generalPath { handler.metadataProvider = Logger.MetadataProvider { [:] } }
            var logger = Logger(label: "callout") { _ in handler }
            logger[metadataKey: "a.first"] = "1"
            logger[metadataKey: "component"] = "callout"
            logger[metadataKey: "decision.id"] = "from-logger"
            logger[metadataKey: "msg"] = "not written"
            logger[metadataKey: "zz.last"] = ["x", "y"]
            return logger
        }
        let record = Self.decision()
        for generalPath in [false, true] {
            let logger = logger(generalPath: generalPath)
            logger.info("decision", metadata: [DecisionLog.metadataKey: .stringConvertible(DecisionLogFields(record))])
            logger.info("plain")
        }
        let all = lines.all.map(Self.withoutTimestamp)
        try #require(all.count == 4)
        #expect(all[0] == all[2])
        #expect(all[1] == all[3])
        #expect(all[0].contains("\"decision.id\":\"\(record.id)\""), "the decision wins over the logger's own key")
        #expect(!all[0].contains("from-logger") && !all[0].contains("not written"))
        #expect(all[1].contains("\"decision.id\":\"from-logger\""))
    }

    @Test func eventMetadataOverridesTheLoggersOwn() throws {
        let lines = Lines()
        var logger = lines.logger(label: "t")
        logger[metadataKey: "component"] = "callout"
        logger[metadataKey: "user"] = "from-logger"
        logger.info("m", metadata: ["user": "from-event"])
        let line = try #require(lines.all.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["user"] as? String == "from-event")
        #expect(object["component"] as? String == "callout")
        #expect(line.components(separatedBy: "\"user\"").count == 2, "each key once")
    }

    @Test func warningsNameTheirSource() throws {
        let lines = Lines()
        let logger = lines.logger(label: "t")
        logger.warning("careful")
        let line = try #require(lines.all.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect((object["source"] as? String)?.contains("JSONLogHandlerTests.swift:") == true)
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        #expect(JSONLineEncoder.timestamp(Date(timeIntervalSince1970: 1_795_931_941.123_9)) == "2026-11-29T05:59:01.123Z")
        #expect(JSONLineEncoder.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(JSONLineEncoder.timestamp(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }
}

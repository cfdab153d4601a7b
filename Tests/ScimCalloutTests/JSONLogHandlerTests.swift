import Foundation
import Logging
import Synchronization
import Testing
@testable import scim_callout

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let storage = Mutex<[String]>([])
        func append(_ line: String) { storage.withLock { $0.append(line) } }
        var all: [String] { storage.withLock { $0 } }
    }

    @Test func oneObjectPerLineWithMetadata() throws {
        let lines = Lines()
        var logger = Logger(label: "test") { label in
            JSONLogHandler(label: label, level: .info, write: { lines.append($0) })
        }
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
}

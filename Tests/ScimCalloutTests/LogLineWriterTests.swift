import Foundation
import Testing
@testable import scim_callout

@Suite("Log line writer")
struct LogLineWriterTests {
    /// A temporary file the writer writes to, read back after a flush.
    final class Output {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString).jsonl")
        let descriptor: Int32
        init() { descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
        var lines: [String] {
            (try? String(contentsOf: url, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        }
        deinit {
            close(descriptor)
            try? FileManager.default.removeItem(at: url)
        }
    }

    @Test func linesFromManyThreadsComeOutWholeAndEachThreadsInOrder() async throws {
        let output = Output()
        #expect(output.descriptor >= 0)
        let writer = LogLineWriter(fileDescriptor: output.descriptor, linger: .milliseconds(2))
        await withTaskGroup(of: Void.self) { group in
            for task in 0 ..< 4 {
                group.addTask {
                    for n in 0 ..< 500 { writer.write(Array("{\"task\":\(task),\"n\":\(n)}\n".utf8)) }
                }
            }
        }
        writer.flush()
        let lines = output.lines
        #expect(lines.count == 2000)
        for task in 0 ..< 4 {
            let mine = lines.filter { $0.hasPrefix("{\"task\":\(task),") }
            #expect(mine == (0 ..< 500).map { "{\"task\":\(task),\"n\":\($0)}" })
        }
        writer.stop()
    }

    @Test func flushWritesWhatIsQueuedWithoutWaitingOutTheLinger() throws {
        let output = Output()
        // A linger far longer than the test: only the flush can have written the line.
        let writer = LogLineWriter(fileDescriptor: output.descriptor, linger: .seconds(600))
        writer.write(Array("{\"msg\":\"one\"}\n".utf8))
        writer.flush()
        #expect(output.lines == ["{\"msg\":\"one\"}"])
        writer.stop()
        writer.write(Array("{\"msg\":\"after stop\"}\n".utf8))
        #expect(output.lines == ["{\"msg\":\"one\"}"], "lines after stop() are ignored")
    }

    @Test func beyondCapacityLinesAreDroppedAndCountedNeverLostSilently() throws {
        let output = Output()
        // 64 bytes of room, lines of 20: a burst overflows it while the writer lingers.
        let writer = LogLineWriter(fileDescriptor: output.descriptor, linger: .seconds(600), capacity: 64)
        let sent = 200
        for n in 0 ..< sent { writer.write(Array(String(format: "{\"n\":%012d}\n", n).utf8)) }
        writer.flush()
        let lines = output.lines
        let written = lines.filter { $0.hasPrefix("{\"n\":") }
        let notices = lines.filter { $0.contains("log lines dropped") }
        let reported = try notices.reduce(0) { total, line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return total + (Int(object["dropped"] as? String ?? "") ?? 0)
        }
        #expect(!notices.isEmpty, "a 200-line burst into 64 bytes drops lines")
        #expect(written.count + reported == sent, "every line is written or counted as dropped")
        #expect(written == written.sorted(), "what is written keeps its order")
        writer.stop()
    }
}

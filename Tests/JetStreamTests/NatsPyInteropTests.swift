import Foundation
import JetStream
import NIOCore
import Testing
import TestSupport

/// nats-py's JetStream as an independent reader and writer of what we store.
@Suite("JetStream interop with nats-py")
struct NatsPyInteropTests {
    @Test func natsPyReadsOurStreamWithTheSameSequencesAndHeaders() async throws {
        let env = try await JetStreamTestServer.start()
        _ = try await env.js.createStream(StreamConfig(name: "INTEROP", subjects: ["interop.>"]))
        var expected: [String] = []
        for i in 1...5 {
            let ack = try await env.js.publish(ByteBuffer(string: "event-\(i)"), to: "interop.user.\(i)",
                                               options: PublishOptions(messageID: "msg-\(i)"))
            expected.append("\(ack.sequence) interop.user.\(i) event-\(i) msg-\(i)")
        }
        let result = try await runPython("""
            import asyncio, sys, nats
            async def main():
                nc = await nats.connect(sys.argv[1])
                js = nc.jetstream()
                sub = await js.subscribe("interop.>", ordered_consumer=True)
                for _ in range(5):
                    msg = await sub.next_msg(timeout=10)
                    print(msg.metadata.sequence.stream, msg.subject, msg.data.decode(), msg.headers.get("Nats-Msg-Id"))
                await nc.close()
            asyncio.run(main())
            """, arguments: [env.server.url])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").map(String.init) == expected)
        try await env.stop()
    }

    @Test func weReadWhatNatsPyPublishes() async throws {
        let env = try await JetStreamTestServer.start()
        let result = try await runPython("""
            import asyncio, sys, nats
            async def main():
                nc = await nats.connect(sys.argv[1])
                js = nc.jetstream()
                await js.add_stream(name="PYS", subjects=["py.>"])
                for i in range(1, 4):
                    ack = await js.publish(f"py.{i}", f"from-python-{i}".encode())
                    print(ack.seq)
                await nc.close()
            asyncio.run(main())
            """, arguments: [env.server.url])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n") == ["1", "2", "3"])
        let consumer = try await env.js.orderedConsumer(stream: "PYS")
        let messages = try await consumer.take(3)
        #expect(messages.map(\.streamSequence) == [1, 2, 3])
        #expect(messages.map { String(buffer: $0.payload) } == ["from-python-1", "from-python-2", "from-python-3"])
        await consumer.stop()
        try await env.stop()
    }

    @Test func anObjectWePutIsReadByNatsPyAndTheReverse() async throws {
        let env = try await JetStreamTestServer.start()
        let store = try await env.js.createObjectStore(bucket: "shared")
        let ours = ObjectStoreServerTests.bytes(300 * 1024 + 17)
        let info = try await store.put(name: "from swift/snapshot.db", data: ours)
        let directory = try TestEnvironment.temporaryDirectory("obj-interop")
        let ourCopy = directory.appendingPathComponent("ours.bin")
        let theirs = directory.appendingPathComponent("theirs.bin")
        let result = try await runPython("""
            import asyncio, sys, nats
            async def main():
                nc = await nats.connect(sys.argv[1])
                js = nc.jetstream()
                obs = await js.object_store("shared")
                res = await obs.get("from swift/snapshot.db")
                open(sys.argv[2], "wb").write(res.data)
                print(res.info.digest, res.info.size, res.info.chunks)
                data = bytes((i * 7 + 3) % 256 for i in range(200_001))
                open(sys.argv[3], "wb").write(data)
                await obs.put("from python", data)
                await nc.close()
            asyncio.run(main())
            """, arguments: [env.server.url, ourCopy.path, theirs.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(info.digest) \(ours.count) 3")
        #expect(Array(try Data(contentsOf: ourCopy)) == ours)
        let written = Array(try Data(contentsOf: theirs))
        #expect(written.count == 200_001)
        #expect(try await store.get(name: "from python") == written)
        try? FileManager.default.removeItem(at: directory)
        try await env.stop()
    }
}

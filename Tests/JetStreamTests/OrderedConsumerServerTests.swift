import JetStream
import NATSClient
import NIOCore
import Testing
import TestSupport

@Suite("Ordered consumer against nats-server")
struct OrderedConsumerServerTests {
    @Test func deliversInOrderFromAStartSequenceAndFollowsNewMessages() async throws {
        let env = try await JetStreamTestServer.start()
        let js = env.js
        _ = try await js.createStream(StreamConfig(name: "OC", subjects: ["oc.>"]))
        for i in 1...20 { _ = try await js.publish(ByteBuffer(string: "m\(i)"), to: "oc.\(i % 2 == 0 ? "even" : "odd")") }

        let consumer = try await js.orderedConsumer(stream: "OC", deliverPolicy: .byStartSequence(15))
        let first = try await consumer.take(6)
        #expect(first.map(\.streamSequence) == Array(15...20))
        #expect(first.map { String(buffer: $0.payload) } == (15...20).map { "m\($0)" })
        #expect(first.last?.metadata.pending == 0)
        _ = try await js.publish(ByteBuffer(string: "m21"), to: "oc.odd")
        #expect(try await consumer.take(1).map(\.streamSequence) == [21])
        await consumer.stop()

        let filtered = try await js.orderedConsumer(stream: "OC", filterSubject: "oc.even")
        #expect(try await filtered.take(10).map(\.streamSequence) == Array(stride(from: 2, through: 20, by: 2)))
        await filtered.stop()
        try await env.stop()
    }

    @Test func recreatesFromTheNextStreamSequenceWhenItsConsumerDisappears() async throws {
        let env = try await JetStreamTestServer.start()
        let js = env.js
        _ = try await js.createStream(StreamConfig(name: "RC", subjects: ["rc.>"], storage: .memory))
        for i in 1...3 { _ = try await js.publish(ByteBuffer(string: "m\(i)"), to: "rc.x") }
        let consumer = try await js.orderedConsumer(stream: "RC", heartbeat: .milliseconds(300))
        #expect(try await consumer.take(3).map(\.streamSequence) == [1, 2, 3])

        // Deleted behind its back: no heartbeats come, so it must notice and start again at 4.
        let old = try #require(consumer.consumerName)
        try await js.deleteConsumer(stream: "RC", name: old)
        for i in 4...6 { _ = try await js.publish(ByteBuffer(string: "m\(i)"), to: "rc.x") }
        let after = try await consumer.take(3)
        #expect(after.map(\.streamSequence) == [4, 5, 6])
        #expect(after.first?.metadata.consumerSequence == 1)
        #expect(consumer.resets >= 1)
        #expect(consumer.consumerName != old)
        await consumer.stop()
        try await env.stop()
    }

    @Test func answersFlowControlSoLargeStreamsKeepFlowing() async throws {
        let env = try await JetStreamTestServer.start()
        let js = env.js
        _ = try await js.createStream(StreamConfig(name: "FC", subjects: ["fc"], storage: .memory))
        let chunk = ByteBuffer(repeating: 0x61, count: 64 * 1024)
        // 4 MiB: several flow-control rounds; unanswered, delivery stalls after about 2 MB.
        for _ in 0..<64 { _ = try await js.publish(chunk, to: "fc") }
        let consumer = try await js.orderedConsumer(stream: "FC")
        let all = try await consumer.take(64, timeout: .seconds(30))
        #expect(all.map(\.streamSequence) == Array(1...64))
        #expect(consumer.resets == 0)
        await consumer.stop()
        try await env.stop()
    }

    @Test func aMissingStreamFailsAtStart() async throws {
        let env = try await JetStreamTestServer.start()
        let error = await #expect(throws: JetStreamError.self) { try await env.js.orderedConsumer(stream: "NOPE") }
        #expect(error?.code == .streamNotFound)
        try await env.stop()
    }
}

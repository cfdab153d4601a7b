import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing
@testable import NATSClient

@Suite(.timeLimit(.minutes(1)))
struct NATSConnectionFakeServerTests {
    @Test func subscribeReconnectResubscribeAndFlushBufferedPublishesInOrder() async throws {
        let server = FakeServer()
        let (connection, first, later) = try await server.connected()
        var channels = later

        let subscription = try await connection.subscribe(to: "orders.*", queue: "workers")
        #expect(try await first.clientWrote() == "SUB orders.* workers 1\r\n")
        try await subscription.unsubscribe(after: 3)
        #expect(try await first.clientWrote() == "UNSUB 1 3\r\n")
        try await first.serverSends("MSG orders.1 1 3\r\none\r\n")
        var iterator = subscription.makeAsyncIterator()
        #expect(await iterator.next()?.string == "one")

        // The server goes away; publishes made meanwhile are buffered.
        try await first.close()
        let second = try #require(await channels.next())
        try await connection.publish(ByteBuffer(string: "while-down"), to: "orders.2")
        try await second.acceptHandshake()
        // SUB again with the remaining count, then the buffered publish, in one write.
        #expect(try await second.clientWrote() == "SUB orders.* workers 1\r\nUNSUB 1 2\r\nPUB orders.2 10\r\nwhile-down\r\n")
        try await second.serverSends("MSG orders.3 1 3\r\ntwo\r\nMSG orders.4 1 5\r\nthree\r\n")
        #expect(await iterator.next()?.string == "two")
        #expect(await iterator.next()?.string == "three")
        #expect(await iterator.next() == nil, "unsubscribe(after: 3) ends the sequence")
        await connection.close()
    }

    @Test func requestsShareOneInboxAndMapRepliesByToken() async throws {
        let server = FakeServer()
        let (connection, channel, _) = try await server.connected()

        async let reply = connection.request(ByteBuffer(string: "q"), to: "svc", timeout: .seconds(30))
        let subscribe = try await channel.clientWrote()
        let inbox = try #require(subscribe.split(separator: " ").dropFirst().first.map(String.init))
        #expect(subscribe.hasPrefix("SUB _INBOX.") && inbox.hasSuffix(".*"))
        let publish = try await channel.clientWrote()
        let replyTo = String(inbox.dropLast()) + "1"
        #expect(publish == "PUB svc \(replyTo) 1\r\nq\r\n")
        try await channel.serverSends("MSG \(replyTo) 1 6\r\nanswer\r\n")
        #expect(try await reply.string == "answer")

        let missing = Task { try await connection.request(ByteBuffer(string: "q"), to: "nobody", timeout: .seconds(30)) }
        #expect(try await channel.clientWrote() == "PUB nobody \(String(inbox.dropLast()))2 1\r\nq\r\n", "no second inbox SUB")
        try await channel.serverSends("HMSG \(String(inbox.dropLast()))2 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n")
        await #expect(throws: NATSClientError(.noResponders, "no responders on the request subject")) { try await missing.value }
        await connection.close()
    }

    @Test func aProtocolErrorDropsTheChannelAndTheClientReconnects() async throws {
        let server = FakeServer()
        let (connection, first, later) = try await server.connected()
        var channels = later
        let events = connection.events
        try await first.serverSends("BOGUS\r\n")
        let second = try #require(await channels.next())
        try await second.acceptHandshake()
        var seen: [NATSConnectionEvent] = []
        for await event in events {
            seen.append(event)
            if case .reconnected = event { break }
        }
        #expect(seen.contains { if case .disconnected(let reason) = $0 { reason.contains("unknownOperation") } else { false } })
        #expect(connection.isConnected)
        await connection.close()
    }

    @Test func publishesQueuedInOneTickGoOutAsOneWriteBeforeALaterPing() async throws {
        let server = FakeServer()
        let (connection, channel, _) = try await server.connected()

        // Two replies ready in the same event-loop tick share one task, one write and one flush.
        let outbox = try #require(connection.state.withLockedValue { $0.machine.transport })
        try await server.loop.submit {
            outbox.enqueue(.publish(subject: "a", replyTo: nil, headers: nil, payload: ByteBuffer(string: "1")), written: nil)
            outbox.enqueue(.publish(subject: "b", replyTo: nil, headers: nil, payload: ByteBuffer(string: "22")), written: nil)
        }.get()
        async let flushed: Void = connection.flush()
        #expect(try await channel.clientWrote() == "PUB a 1\r\n1\r\nPUB b 2\r\n22\r\n")
        #expect(try await channel.clientWrote() == "PING\r\n", "a flush issued after publishes follows them")
        try await channel.serverSends("PONG\r\n")
        try await flushed

        // The public path goes through the same outbox, in order.
        try await connection.publish(ByteBuffer(string: "3"), to: "c", replyTo: "r")
        #expect(try await channel.clientWrote() == "PUB c r 1\r\n3\r\n")
        await connection.close()
    }
}

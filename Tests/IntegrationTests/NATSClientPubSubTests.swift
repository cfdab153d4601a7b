import NATSClient
import NATSTestSupport
import NIOCore
import Testing
import TestSupport

/// Our client against a real nats-server: the operations the callout service relies on.
@Suite("NATSClient against nats-server")
struct NATSClientPubSubTests {
    @Test func publishesAndSubscribes() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let subscription = try await nats.subscribe(to: "greet.*")
        try await nats.publish(ByteBuffer(string: "hello"), to: "greet.joe")
        try await nats.publish(Array("bye".utf8), to: "greet.ann", replyTo: "back")
        let messages = try await subscription.collect(2)
        #expect(messages.map(\.subject) == ["greet.joe", "greet.ann"])
        #expect(messages.map(\.string) == ["hello", "bye"])
        #expect(messages.last?.replyTo == "back")
        #expect(nats.serverInfo?.headers == true)
        await nats.close()
        #expect(nats.isClosed)
        try await server.stop()
    }

    @Test func queueGroupSharesMessagesBetweenMembers() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let first = try await nats.subscribe(to: "jobs", queue: "workers")
        let second = try await nats.subscribe(to: "jobs", queue: "workers")
        let total = 200
        for index in 0..<total { try await nats.publish(ByteBuffer(string: "\(index)"), to: "jobs") }
        try await nats.flush()
        try await pollUntil("all queue messages delivered") { first.pendingMessages + second.pendingMessages == total }
        try await nats.flush()
        #expect(first.pendingMessages + second.pendingMessages == total, "each message goes to exactly one member")
        #expect(first.pendingMessages > 0 && second.pendingMessages > 0, "both members get a share")
        let received = try await first.collect(first.pendingMessages) + second.collect(second.pendingMessages)
        #expect(Set(received.map(\.string)) == Set((0..<total).map(String.init)))
        await nats.close()
        try await server.stop()
    }

    @Test func headersRoundTripWithCaseAndRepeats() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let subscription = try await nats.subscribe(to: "h")
        let headers = NATSHeaders([("Nats-Server-Xkey", "XABC"), ("x-trace", "1"), ("x-trace", "2")])
        try await nats.publish(ByteBuffer(string: "body"), to: "h", headers: headers)
        let message = try #require(try await subscription.collect(1).first)
        #expect(message.headers?.fields == headers.fields)
        #expect(message.headers?.values(for: "x-trace") == ["1", "2"])
        #expect(message.string == "body")
        #expect(message.status == nil)
        await nats.close()
        try await server.stop()
    }

    @Test func requestReplyAndNoResponders() async throws {
        let server = try await NATSServerProcess.start()
        let responder = try await NATSTestClient.connect(server)
        let requester = try await NATSTestClient.connect(server)
        let service = try await responder.subscribe(to: "svc.upper", queue: "svc")
        let serving = Task {
            for await request in service {
                guard let replyTo = request.replyTo else { continue }
                var headers = NATSHeaders()
                headers.add(name: "Served-By", value: "swift")
                try await responder.publish(ByteBuffer(string: request.string.uppercased()), to: replyTo, headers: headers)
            }
        }
        try await responder.flush()
        for word in ["alpha", "beta", "gamma"] {
            let reply = try await requester.request(ByteBuffer(string: word), to: "svc.upper", timeout: .seconds(5))
            #expect(reply.string == word.uppercased())
            #expect(reply.headers?["Served-By"] == "swift")
        }
        async let concurrent = withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask { try await requester.request(ByteBuffer(string: "r\(index)"), to: "svc.upper").string }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(try await concurrent == Set((0..<20).map { "R\($0)" }))

        await #expect(throws: NATSClientError(.noResponders, "no responders on the request subject")) {
            try await requester.request(ByteBuffer(string: "?"), to: "nobody.home", timeout: .seconds(5))
        }
        serving.cancel()
        await responder.close()
        await requester.close()
        try await server.stop()
    }

    @Test func requestTimesOutWhenTheResponderIsSilent() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let silent = try await nats.subscribe(to: "silent")
        do {
            _ = try await nats.request(ByteBuffer(string: "?"), to: "silent", timeout: .milliseconds(200))
            Issue.record("expected a timeout")
        } catch let error as NATSClientError {
            #expect(error.code == .requestTimeout)
        }
        #expect(try await silent.collect(1).first?.replyTo?.hasPrefix("_INBOX.") == true)
        await nats.close()
        try await server.stop()
    }

    @Test func maxPayloadIsEnforcedBeforeSending() async throws {
        let server = try await NATSServerProcess.start(config: "max_payload: 1024\n")
        let nats = try await NATSTestClient.connect(server)
        #expect(nats.serverInfo?.maxPayload == 1024)
        let subscription = try await nats.subscribe(to: "big")
        await #expect(throws: NATSClientError.self) {
            try await nats.publish(ByteBuffer(repeating: 0x41, count: 1025), to: "big")
        }
        try await nats.publish(ByteBuffer(repeating: 0x41, count: 1024), to: "big")
        #expect(try await subscription.collect(1).first?.payload.readableBytes == 1024)
        #expect(nats.isConnected, "the rejected publish never reached the server")
        await nats.close()
        try await server.stop()
    }

    @Test func unsubscribeAfterEndsTheSequenceAndEchoCanBeTurnedOff() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let subscription = try await nats.subscribe(to: "count")
        try await subscription.unsubscribe(after: 2)
        for index in 0..<5 { try await nats.publish(ByteBuffer(string: "\(index)"), to: "count") }
        var received: [String] = []
        for await message in subscription { received.append(message.string) }
        #expect(received == ["0", "1"])

        let quiet = try await NATSTestClient.connect(server) { $0.echo = false }
        let listener = try await NATSTestClient.connect(server)
        let own = try await quiet.subscribe(to: "echo")
        let other = try await listener.subscribe(to: "echo")
        try await listener.flush()
        try await quiet.publish(ByteBuffer(string: "x"), to: "echo")
        #expect(try await other.collect(1).first?.string == "x")
        try await quiet.flush()
        #expect(own.pendingMessages == 0, "echo: false keeps our own messages away")
        await nats.close()
        await quiet.close()
        await listener.close()
        try await server.stop()
    }

    @Test func slowConsumerDropsBeyondThePendingLimitAndSaysSo() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server) {
            $0.pendingLimits = .init(messages: 10, bytes: 1_000_000)
        }
        let events = EventRecorder(nats)
        let subscription = try await nats.subscribe(to: "flood")
        for index in 0..<50 { try await nats.publish(ByteBuffer(string: "\(index)"), to: "flood") }
        try await nats.flush()
        try await pollUntil("the 50 messages to arrive or drop") {
            subscription.pendingMessages + subscription.droppedMessages == 50
        }
        #expect(subscription.pendingMessages == 10)
        #expect(subscription.droppedMessages == 40)
        try await events.waitFor("slow consumer event") {
            if case .slowConsumer(subject: "flood", _, _) = $0 { return true } else { return false }
        }
        let kept = try await subscription.collect(10)
        #expect(kept.map(\.string) == (0..<10).map(String.init), "the oldest messages are kept")
        await nats.close()
        try await server.stop()
    }

    @Test func drainDeliversWhatWasRoutedThenCloses() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let publisher = try await NATSTestClient.connect(server)
        let subscription = try await nats.subscribe(to: "d")
        try await nats.flush()
        for index in 0..<20 { try await publisher.publish(ByteBuffer(string: "\(index)"), to: "d") }
        try await publisher.flush()
        try await nats.drain()
        #expect(nats.isClosed)
        var received: [String] = []
        for await message in subscription { received.append(message.string) }
        #expect(received == (0..<20).map(String.init))
        await #expect(throws: NATSClientError.self) { try await nats.publish(ByteBuffer(), to: "d") }
        await publisher.close()
        try await server.stop()
    }
}

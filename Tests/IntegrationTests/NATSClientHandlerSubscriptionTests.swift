import NATSClient
import NATSTestSupport
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import TestSupport

/// What a handler subscription's handler saw, collected from the event loop.
final class HandlerLog: Sendable {
    struct Entry: Sendable {
        var subject: String
        var payload: String
        var replyTo: String?
        var readAt: NIODeadline
        /// `NIODeadline.now()` taken inside the handler.
        var calledAt: NIODeadline
        /// The handler ran on an event loop thread.
        var onEventLoop: Bool
        /// The handler ran on `expectedLoop` (when the test gave one).
        var onExpectedLoop: Bool?
    }

    private let entries = NIOLockedValueBox<[Entry]>([])
    let expectedLoop: (any EventLoop)?

    init(expectedLoop: (any EventLoop)? = nil) { self.expectedLoop = expectedLoop }

    var all: [Entry] { entries.withLockedValue { $0 } }
    var payloads: [String] { all.map(\.payload) }
    var count: Int { entries.withLockedValue { $0.count } }

    /// The handler to subscribe with.
    var handler: NATSConnection.MessageHandler {
        { [self] message, readAt in
            let entry = Entry(subject: message.subject, payload: message.string, replyTo: message.replyTo, readAt: readAt,
                              calledAt: .now(), onEventLoop: MultiThreadedEventLoopGroup.currentEventLoop != nil,
                              onExpectedLoop: expectedLoop?.inEventLoop)
            entries.withLockedValue { $0.append(entry) }
        }
    }

    func waitFor(_ count: Int, timeout: Duration = .seconds(10)) async throws {
        try await pollUntil("\(count) messages in the handler", timeout: timeout) { self.count >= count }
    }
}

/// `NATSConnection.subscribe(to:queue:onMessage:)` and `publishWithoutWaiting` against a real
/// nats-server: the path the callout answers most requests on.
@Suite("NATSClient handler subscriptions against nats-server", .timeLimit(.minutes(2)))
struct NATSClientHandlerSubscriptionTests {
    @Test func messagesArriveInOrderOnTheConnectionsEventLoopWithTheirReadTime() async throws {
        let server = try await NATSServerProcess.start()
        // Pinned to one shared loop (as the service pins its connections), so the test can tell
        // the handler runs on the very loop the channel runs on. (The shared group is never shut
        // down: a private one shut down after close() makes NATSConnection.deinit log a NIO error.)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        var configuration = NATSConfiguration(servers: [server.url], connectTimeout: .seconds(10))
        configuration.reconnect = .disabled
        let nats = try await NATSConnection.connect(configuration, eventLoopGroup: loop, logger: NATSTestClient.logger)
        let publisher = try await NATSTestClient.connect(server)
        let log = HandlerLog(expectedLoop: loop)
        let subscription = try await nats.subscribe(to: "ordered.>", onMessage: log.handler)
        #expect(subscription.subject == "ordered.>" && subscription.queue == nil)
        try await nats.flush()

        let before = NIODeadline.now()
        let total = 500
        for index in 0..<total {
            try await publisher.publish(ByteBuffer(string: "\(index)"), to: "ordered.\(index % 3)", replyTo: index == 0 ? "back" : nil)
        }
        try await publisher.flush()
        try await log.waitFor(total)

        let entries = log.all
        #expect(entries.count == total, "no duplicates")
        #expect(entries.map(\.payload) == (0..<total).map(String.init), "in publish order")
        #expect(entries.first?.subject == "ordered.0" && entries.first?.replyTo == "back")
        #expect(entries.allSatisfy { $0.onEventLoop }, "the handler runs on an event loop")
        #expect(entries.allSatisfy { $0.onExpectedLoop == true }, "on the connection's own loop")
        #expect(entries.allSatisfy { $0.readAt >= before && $0.readAt <= $0.calledAt }, "readAt is the socket read, before the call")
        #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.readAt <= $1.readAt }, "reads in order")

        await publisher.close()
        await nats.close()
        await subscription.waitUntilEnded()
        try await server.stop()
    }

    @Test func queueGroupMembersWithHandlersShareTheMessages() async throws {
        let server = try await NATSServerProcess.start()
        let first = try await NATSTestClient.connect(server)
        let second = try await NATSTestClient.connect(server)
        let (logA, logB) = (HandlerLog(), HandlerLog())
        let a = try await first.subscribe(to: "work", queue: "pool", onMessage: logA.handler)
        _ = try await second.subscribe(to: "work", queue: "pool", onMessage: logB.handler)
        #expect(a.queue == "pool")
        try await first.flush()
        try await second.flush()
        let total = 200
        for index in 0..<total { try await first.publish(ByteBuffer(string: "\(index)"), to: "work") }
        try await first.flush()
        try await pollUntil("every message handled once") { logA.count + logB.count >= total }
        #expect(logA.count + logB.count == total)
        #expect(logA.count > 0 && logB.count > 0, "both members get a share")
        #expect(Set(logA.payloads + logB.payloads) == Set((0..<total).map(String.init)))
        await first.close()
        await second.close()
        try await server.stop()
    }

    @Test func unsubscribeStopsDeliveryAndEndsTheSubscription() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let publisher = try await NATSTestClient.connect(server)
        let log = HandlerLog()
        let subscription = try await nats.subscribe(to: "topic", onMessage: log.handler)
        // A stream subscription on the same connection: its message, published after, marks
        // when anything published before it would have arrived.
        let marker = try await nats.subscribe(to: "marker")
        try await nats.flush()
        try await publisher.publish(ByteBuffer(string: "before"), to: "topic")
        try await log.waitFor(1)

        try await subscription.unsubscribe()
        await subscription.waitUntilEnded()
        try await nats.flush()  // the server has the UNSUB
        try await publisher.publish(ByteBuffer(string: "after"), to: "topic")
        try await publisher.publish(ByteBuffer(string: "mark"), to: "marker")
        #expect(try await marker.collect(1).first?.string == "mark")
        #expect(log.payloads == ["before"], "nothing delivered after unsubscribe")

        do {
            try await subscription.unsubscribe()
            Issue.record("a second unsubscribe succeeded")
        } catch let error as NATSClientError {
            #expect(error.code == .subscriptionClosed)
        }
        await publisher.close()
        await nats.close()
        try await server.stop()
    }

    @Test func closeEndsTheSubscription() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let log = HandlerLog()
        let subscription = try await nats.subscribe(to: "topic", onMessage: log.handler)
        let ended = NIOLockedValueBox(false)
        let watcher = Task {
            await subscription.waitUntilEnded()
            ended.withLockedValue { $0 = true }
        }
        try await nats.publish(ByteBuffer(string: "one"), to: "topic")  // echo: our own message
        try await log.waitFor(1)
        #expect(!ended.withLockedValue { $0 }, "still running while the connection is open")
        await nats.close()
        await watcher.value
        #expect(ended.withLockedValue { $0 })
        // A closed connection takes no new handler subscriptions (typed error).
        await #expect(throws: NATSClientError.self) { _ = try await nats.subscribe(to: "again", onMessage: log.handler) }
        try await server.stop()
    }

    @Test func drainDeliversWhatWasRoutedThenEnds() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let log = HandlerLog()
        let subscription = try await nats.subscribe(to: "drained", onMessage: log.handler)
        let total = 100
        for index in 0..<total { try await nats.publish(ByteBuffer(string: "\(index)"), to: "drained") }
        try await nats.drain()
        await subscription.waitUntilEnded()
        #expect(log.payloads == (0..<total).map(String.init))
        #expect(nats.isClosed)
        try await server.stop()
    }

    @Test func deliveryResumesAfterAServerRestart() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let events = EventRecorder(nats)
        let log = HandlerLog()
        let subscription = try await nats.subscribe(to: "survive.*", queue: "q", onMessage: log.handler)
        let ended = NIOLockedValueBox(false)
        let watcher = Task {
            await subscription.waitUntilEnded()
            ended.withLockedValue { $0 = true }
        }
        try await nats.publish(ByteBuffer(string: "before"), to: "survive.a")
        try await log.waitFor(1)

        try await server.restart()
        try await events.waitFor("disconnected") { if case .disconnected = $0 { true } else { false } }
        try await events.waitFor("reconnected") { if case .reconnected = $0 { true } else { false } }
        try await nats.flush()  // the re-sent SUB is at the server before another client publishes
        let other = try await NATSTestClient.connect(server)
        try await other.publish(ByteBuffer(string: "after"), to: "survive.b")
        try await other.flush()
        try await log.waitFor(2)
        #expect(log.payloads == ["before", "after"])
        #expect(log.all.allSatisfy { $0.onEventLoop })
        #expect(!ended.withLockedValue { $0 }, "a reconnect does not end the subscription")

        await other.close()
        await nats.close()
        await watcher.value
        try await server.stop()
    }

    /// A handler subscription made while the server is away is sent when the client reconnects.
    @Test func subscribingWhileReconnectingTakesEffectOnReconnect() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let events = EventRecorder(nats)
        try await server.stop()
        try await events.waitFor("disconnected") { if case .disconnected = $0 { true } else { false } }
        let log = HandlerLog()
        let subscription = try await nats.subscribe(to: "late", onMessage: log.handler)
        try await server.start()
        try await events.waitFor("reconnected") { if case .reconnected = $0 { true } else { false } }
        try await nats.flush()
        let other = try await NATSTestClient.connect(server)
        try await other.publish(ByteBuffer(string: "hello"), to: "late")
        try await log.waitFor(1)
        #expect(log.payloads == ["hello"] && subscription.subject == "late")
        await other.close()
        await nats.close()
        try await server.stop()
    }

    @Test func invalidSubjectsAndClosedStatesAreTypedErrors() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let log = HandlerLog()
        func code(_ body: () async throws -> Void) async -> NATSClientError.Code? {
            do { try await body() } catch let error as NATSClientError { return error.code } catch { return nil }
            return nil
        }
        #expect(await code { _ = try await nats.subscribe(to: "", onMessage: log.handler) } == .invalidSubject)
        #expect(await code { _ = try await nats.subscribe(to: "a b", onMessage: log.handler) } == .invalidSubject)
        #expect(await code { _ = try await nats.subscribe(to: "ok", queue: "bad queue", onMessage: log.handler) } == .invalidSubject)
        try await nats.drain()
        #expect(await code { _ = try await nats.subscribe(to: "ok", onMessage: log.handler) } == .connectionClosed)
        #expect(log.count == 0)
        try await server.stop()
    }

    @Test func publishWithoutWaitingFromTheHandlerAnswersRequests() async throws {
        let server = try await NATSServerProcess.start()
        let responder = try await NATSTestClient.connect(server)
        let requester = try await NATSTestClient.connect(server)
        let failures = NIOLockedValueBox<[String]>([])
        let served = NIOLockedValueBox(0)
        _ = try await responder.subscribe(to: "svc.echo", queue: "svc") { message, _ in
            guard let replyTo = message.replyTo else { return }
            do {
                var headers = NATSHeaders()
                headers.add(name: "On-Loop", value: MultiThreadedEventLoopGroup.currentEventLoop != nil ? "yes" : "no")
                try responder.publishWithoutWaiting(ByteBuffer(string: "echo:" + message.string), to: replyTo, headers: headers)
                served.withLockedValue { $0 += 1 }
            } catch {
                failures.withLockedValue { $0.append("\(error)") }
            }
        }
        try await responder.flush()

        let reply = try await requester.request(ByteBuffer(string: "ping"), to: "svc.echo", timeout: .seconds(5))
        #expect(reply.string == "echo:ping")
        #expect(reply.headers?["On-Loop"] == "yes", "published from the event loop")
        // Many at once: each gets its own answer.
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<50 {
                group.addTask { (index, try await requester.request(ByteBuffer(string: "r\(index)"), to: "svc.echo").string) }
            }
            return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 50)
        #expect(answers.allSatisfy { $0.value == "echo:r\($0.key)" })
        #expect(served.withLockedValue { $0 } == 51)
        #expect(failures.withLockedValue { $0 }.isEmpty)
        await requester.close()
        await responder.close()
        try await server.stop()
    }

    @Test func publishWithoutWaitingRejectsInvalidInputWithTypedErrors() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        func code(_ body: () throws -> Void) -> NATSClientError.Code? {
            do { try body() } catch let error as NATSClientError { return error.code } catch { return nil }
            return nil
        }
        // Everything that reaches the server comes back here (echo is on).
        let sink = try await nats.subscribe(to: ">")
        try await nats.flush()
        let payload = ByteBuffer(string: "x")
        #expect(code { try nats.publishWithoutWaiting(payload, to: "") } == .invalidSubject)
        #expect(code { try nats.publishWithoutWaiting(payload, to: "has space") } == .invalidSubject)
        #expect(code { try nats.publishWithoutWaiting(payload, to: "tab\there") } == .invalidSubject)
        #expect(code { try nats.publishWithoutWaiting(payload, to: "ok", replyTo: "bad reply") } == .invalidSubject)
        let maxPayload = try #require(nats.serverInfo?.maxPayload)
        #expect(code { try nats.publishWithoutWaiting(ByteBuffer(repeating: 0, count: maxPayload + 1), to: "big") } == .maxPayloadExceeded)

        // None of the rejected publishes went out: the first message the server echoes is the valid one.
        try nats.publishWithoutWaiting(ByteBuffer(string: "fine"), to: "ok")
        let received = try await sink.collect(1)
        #expect(received.map(\.subject) == ["ok"] && received.first?.string == "fine")

        await nats.close()
        #expect(code { try nats.publishWithoutWaiting(payload, to: "ok") } == .connectionClosed)
        try await server.stop()
    }
}

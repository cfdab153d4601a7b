import NIOCore
import NIOEmbedded
import Testing
@testable import NATSClient

/// ``ClientStateMachine`` with plain calls: no channel, no lock, no clock. The transport is an
/// `Int` naming the channel a write would go to.
struct ClientStateMachineTests {
    typealias Machine = ClientStateMachine<Int>

    static let inbox = "_INBOX.test"
    static let info = ServerInfo(serverID: "NTEST", maxPayload: 1024, headers: true)

    static func machine(
        servers: [String] = ["nats://a:4222", "nats://b:4222"],
        _ configure: (inout NATSConfiguration) -> Void = { _ in }
    ) throws -> Machine {
        var configuration = NATSConfiguration(servers: servers)
        configure(&configuration)
        return Machine(
            servers: try servers.map(ServerAddress.init(parsing:)), configuration: configuration, inboxBase: inbox
        )
    }

    static func address(_ text: String) throws -> ServerAddress { try ServerAddress(parsing: text) }

    /// A stream sink and its continuation, for tests that only look at where messages go.
    static func streamSink() -> (SubscriptionSink, AsyncStream<NATSMessage>) {
        let (stream, continuation) = AsyncStream.makeStream(of: NATSMessage.self)
        return (.stream(continuation, PendingCounter()), stream)
    }

    static func frame(_ subject: String, sid: UInt64, _ payload: String = "x", status: Int? = nil) -> MessageFrame {
        var headers: NATSHeaders?
        if let status {
            headers = NATSHeaders()
            headers?.statusCode = status
        }
        return MessageFrame(subject: subject, sid: sid, headers: headers, payload: ByteBuffer(string: payload))
    }

    /// Connects to the first server as channel 1 (transport 1).
    static func connected(_ machine: inout Machine) throws {
        #expect(machine.connectRequested() == .dial(try address("nats://a:4222"), channelID: 1))
        guard case .adopted(let operations, _, _, false) = machine.dialSucceeded(1, info: info, channelID: 1) else {
            Issue.record("not adopted")
            return
        }
        #expect(operations.isEmpty)
        #expect(machine.isConnected)
    }

    // MARK: - Connect, subscribe, reconnect

    @Test func reconnectResubscribesEveryLiveSidThenTheInboxThenBufferedPublishes() throws {
        var machine = try Self.machine()
        try Self.connected(&machine)
        let (sink, _) = Self.streamSink()

        // Given live subscriptions, one with an UNSUB count, one already gone, and the request inbox.
        let orders = try machine.subscribe(to: "orders.*", queue: nil, sink: sink)
        #expect(orders.sid == 1 && orders.action == .write(.subscribe(subject: "orders.*", queue: nil, sid: 1), 1))
        let workers = try machine.subscribe(to: "jobs", queue: "workers", sink: sink)
        #expect(workers.action == .write(.subscribe(subject: "jobs", queue: "workers", sid: 2), 1))
        let limited = try machine.unsubscribe(sid: 2, after: 5)
        #expect(limited.finish == nil && limited.write?.0 == .unsubscribe(sid: 2, max: 5))
        guard case .yield(_, finish: false) = machine.messageArrived(Self.frame("jobs", sid: 2)) else {
            Issue.record("not delivered")
            return
        }
        let gone = try machine.subscribe(to: "gone", queue: nil, sink: sink)
        #expect(try machine.unsubscribe(sid: gone.sid, after: nil).write?.0 == .unsubscribe(sid: 3, max: nil))
        let loop = EmbeddedEventLoop()
        let reply = loop.makePromise(of: NATSMessage.self)
        let request = try machine.requestStarted(to: "svc", timeout: .seconds(1), reply: reply)
        #expect(request.subscribeInbox?.0 == .subscribe(subject: "\(Self.inbox).*", queue: nil, sid: 4))

        // When the channel is lost: reconnect to the next server; publishes and SUBs wait.
        #expect(machine.connectionLost(channelID: 1) == .reconnect(.dial(try Self.address("b:4222"), channelID: 2)))
        #expect(machine.status == .reconnecting && !machine.isConnected)
        let publish = ClientOperation.publish(subject: "p", replyTo: nil, headers: nil, payload: ByteBuffer(string: "hi"))
        #expect(try machine.publish(publish, size: 2, hasHeaders: false) == .buffered)
        #expect(try machine.subscribe(to: "late", queue: nil, sink: sink).action == .deferred)

        // Then the new channel gets every live SUB in sid order with the remaining count, the inbox, the publish.
        let adopted = machine.dialSucceeded(2, info: Self.info, channelID: 2)
        #expect(adopted == .adopted(operations: [
            .subscribe(subject: "orders.*", queue: nil, sid: 1),
            .subscribe(subject: "jobs", queue: "workers", sid: 2),
            .unsubscribe(sid: 2, max: 4),
            .subscribe(subject: "late", queue: nil, sid: 5),
            .subscribe(subject: "\(Self.inbox).*", queue: nil, sid: 4),
            publish,
        ], server: try Self.address("b:4222"), info: Self.info, isReconnect: true))
        #expect(machine.isConnected && machine.reconnectBufferBytes == 0)
        #expect(try machine.publish(publish, size: 2, hasHeaders: false) == .write(2))
        reply.fail(CancellationError())
    }

    @Test func unsubscribeAfterNEndsOnTheNthMessage() throws {
        var machine = try Self.machine()
        try Self.connected(&machine)
        let (sink, _) = Self.streamSink()
        let sid = try machine.subscribe(to: "s", queue: nil, sink: sink).sid
        #expect(try machine.unsubscribe(sid: sid, after: 2).write?.0 == .unsubscribe(sid: sid, max: 2))

        let finishes: [Bool?] = (0..<3).map { _ in
            if case .yield(_, let finish) = machine.messageArrived(Self.frame("s", sid: sid)) { return finish }
            return nil
        }
        #expect(finishes == [false, true, nil], "the second message ends it, the third is dropped")
        #expect(throws: NATSClientError.self) { try machine.unsubscribe(sid: sid, after: nil) }

        // A count already reached ends the subscription now, with a plain UNSUB.
        let other = try machine.subscribe(to: "t", queue: nil, sink: sink).sid
        _ = machine.messageArrived(Self.frame("t", sid: other))
        let now = try machine.unsubscribe(sid: other, after: 1)
        #expect(now.finish != nil && now.write?.0 == .unsubscribe(sid: other, max: nil))
    }

    @Test func aSlowConsumerDropsAndIsReportedOncePerEpisode() throws {
        var machine = try Self.machine { $0.pendingLimits = .init(messages: 1, bytes: 1024) }
        try Self.connected(&machine)
        let (sink, _) = Self.streamSink()
        let sid = try machine.subscribe(to: "s", queue: nil, sink: sink).sid
        var outcomes: [String] = []
        for _ in 0..<3 {
            switch machine.messageArrived(Self.frame("s", sid: sid)) {
            case .yield: outcomes.append("yield")
            case .slowConsumer(let subject, let dropped): outcomes.append("slow \(subject) \(dropped)")
            case .drop: outcomes.append("drop")
            default: outcomes.append("other")
            }
        }
        #expect(outcomes == ["yield", "slow s 1", "drop"])
    }

    // MARK: - Requests

    @Test func repliesAreRoutedByTokenAndTimeoutsFailOnlyWaitingRequests() throws {
        var machine = try Self.machine()
        try Self.connected(&machine)
        let loop = EmbeddedEventLoop()
        let first = loop.makePromise(of: NATSMessage.self)
        let second = loop.makePromise(of: NATSMessage.self)
        let third = loop.makePromise(of: NATSMessage.self)
        let one = try machine.requestStarted(to: "svc", timeout: .seconds(1), reply: first)
        let two = try machine.requestStarted(to: "nobody", timeout: .seconds(1), reply: second)
        let three = try machine.requestStarted(to: "slow", timeout: .seconds(2), reply: third)
        #expect(one.replyTo == "\(Self.inbox).1" && two.replyTo == "\(Self.inbox).2")
        #expect(one.subscribeInbox != nil && two.subscribeInbox == nil, "one inbox for all requests")
        let inboxSID = try #require(machine.inboxSID)

        guard case .reply(let answered) = machine.messageArrived(Self.frame(one.replyTo, sid: inboxSID)) else {
            Issue.record("reply not routed")
            return
        }
        #expect(answered.futureResult === first.futureResult)
        guard case .noResponders(let refused) = machine.messageArrived(Self.frame(two.replyTo, sid: inboxSID, status: 503))
        else {
            Issue.record("503 not routed")
            return
        }
        #expect(refused.futureResult === second.futureResult)
        let cases: [(String, String)] = [(one.replyTo, "answered already"), ("elsewhere.3", "not our inbox"),
                                         ("\(Self.inbox).99", "unknown token")]
        for (subject, why) in cases {
            guard case .drop = machine.messageArrived(Self.frame(subject, sid: inboxSID)) else {
                Issue.record("\(why): not dropped")
                continue
            }
        }

        let timedOutAction = machine.requestTimedOut(token: three.token)
        let timedOut = try #require(timedOutAction)
        #expect(timedOut.0.futureResult === third.futureResult)
        #expect(timedOut.1.code == .requestTimeout && timedOut.1.reason.contains("slow"))
        #expect(machine.requestTimedOut(token: three.token) == nil, "a request fails once")
        #expect(machine.requestTimedOut(token: one.token) == nil, "an answered request does not time out")
        #expect(machine.requestAbandoned(token: two.token) == nil)
        for promise in [first, second, third] { promise.fail(CancellationError()) }
    }

    @Test func theInboxIsSubscribedByTheReconnectWhenTheFirstRequestComesWhileDown() throws {
        var machine = try Self.machine()
        try Self.connected(&machine)
        _ = machine.connectionLost(channelID: 1)
        let reply = EmbeddedEventLoop().makePromise(of: NATSMessage.self)
        #expect(try machine.requestStarted(to: "svc", timeout: .seconds(1), reply: reply).subscribeInbox == nil)
        let adopted = machine.dialSucceeded(2, info: Self.info, channelID: 2)
        guard case .adopted(let operations, _, _, true) = adopted else {
            Issue.record("not adopted")
            return
        }
        #expect(operations == [.subscribe(subject: "\(Self.inbox).*", queue: nil, sid: 1)])
        let shutDownAction = machine.closeRequested(reason: nil)
        let shutDown = try #require(shutDownAction)
        #expect(shutDown.requests.count == 1)
        reply.fail(CancellationError())
    }

    // MARK: - Drain and close

    @Test func drainUnsubscribesAllInSidOrderThenEndsSinksThenCloses() throws {
        var machine = try Self.machine()
        try Self.connected(&machine)
        let (sink, _) = Self.streamSink()
        for subject in ["a", "b", "c"] { _ = try machine.subscribe(to: subject, queue: nil, sink: sink) }

        #expect(machine.drainRequested() == .unsubscribeAndFlush(
            [.unsubscribe(sid: 1, max: nil), .unsubscribe(sid: 2, max: nil), .unsubscribe(sid: 3, max: nil)], 1))
        #expect(machine.status == .draining)
        #expect(throws: NATSClientError(.draining, "the connection is draining")) {
            try machine.subscribe(to: "d", queue: nil, sink: sink)
        }
        let reply = EmbeddedEventLoop().makePromise(of: NATSMessage.self)
        #expect(throws: NATSClientError(.draining, "the connection is draining")) {
            try machine.requestStarted(to: "svc", timeout: .seconds(1), reply: reply)
        }
        reply.fail(CancellationError())
        #expect(try machine.flushRequested() == 1, "the drain's flush still reaches the channel")
        #expect(machine.connectionLost(channelID: 1) == .ignore, "losing the channel mid-drain does not reconnect")

        #expect(machine.drainFlushed().count == 3)
        #expect(machine.subscriptions.isEmpty)
        let shutDownAction = machine.closeRequested(reason: nil)
        let shutDown = try #require(shutDownAction)
        #expect(shutDown.sinks.isEmpty && shutDown.requests.isEmpty)
        #expect(machine.closeRequested(reason: nil) == nil, "closing twice does nothing")
        #expect(machine.status == .closed && machine.closeReason == nil)
    }

    @Test func drainWithoutAChannelFinishesAtOnce() throws {
        var machine = try Self.machine()
        #expect(machine.drainRequested() == .finishDrain, "never connected")
        try Self.connected(&machine)
        _ = machine.connectionLost(channelID: 1)
        #expect(machine.drainRequested() == .finishDrain, "reconnecting")
        #expect(machine.dialSucceeded(2, info: Self.info, channelID: 2) == .closeChannel)
    }

    @Test func closeHandsBackTheChannelSinksAndRequests() throws {
        var machine = try Self.machine()
        try Self.connected(&machine)
        let (sink, _) = Self.streamSink()
        _ = try machine.subscribe(to: "a", queue: nil, sink: sink)
        let reply = EmbeddedEventLoop().makePromise(of: NATSMessage.self)
        _ = try machine.requestStarted(to: "svc", timeout: .seconds(1), reply: reply)
        let reason = NATSClientError(.noServersAvailable, "gave up")
        let shutDownAction = machine.closeRequested(reason: reason)
        let shutDown = try #require(shutDownAction)
        #expect(shutDown.transport == 1 && shutDown.sinks.count == 1 && shutDown.requests.count == 1)
        #expect(machine.closeReason == reason && machine.transport == nil)
        reply.fail(CancellationError())
    }

    // MARK: - Backoff and server pool

    @Test func backoffDoublesBetweenRoundsAndTheRoundRotatesPastTheLostServer() throws {
        var machine = try Self.machine(servers: ["a:1", "b:2", "c:3"]) {
            $0.reconnect = .init(maxAttemptsPerServer: nil, baseWait: .milliseconds(100), maxWait: .milliseconds(500),
                                 jitter: .milliseconds(10))
        }
        #expect(machine.connectRequested() == .dial(try Self.address("a:1"), channelID: 1))
        #expect(machine.dialFailed(channelID: 1, randomFraction: 0) == .dial(try Self.address("b:2"), channelID: 2))
        _ = machine.dialSucceeded(2, info: Self.info, channelID: 2)

        // Lost b: each round starts at c, and the waits double up to the cap, plus the jitter share.
        guard case .reconnect(.dial(let first, var channelID)) = machine.connectionLost(channelID: 2) else {
            Issue.record("no reconnect")
            return
        }
        #expect(first == (try Self.address("c:3")))
        let expectedWaits: [Duration] = [.milliseconds(105), .milliseconds(205), .milliseconds(405),
                                          .milliseconds(505), .milliseconds(505)]
        for expectedWait in expectedWaits {
            var tried: [ServerAddress] = [first]
            var action = machine.dialFailed(channelID: channelID, randomFraction: 0.5)
            while case .dial(let next, let id) = action {
                tried.append(next)
                channelID = id
                action = machine.dialFailed(channelID: id, randomFraction: 0.5)
            }
            #expect(tried == [try Self.address("c:3"), try Self.address("a:1"), try Self.address("b:2")])
            #expect(action == .scheduleReconnect(after: expectedWait))
            guard case .dial(let again, let id) = machine.reconnectWaitElapsed() else {
                Issue.record("no next round")
                return
            }
            #expect(again == first)
            channelID = id
        }
    }

    @Test func givingUpWhenEveryServerUsedItsAttempts() throws {
        var machine = try Self.machine(servers: ["a:1", "b:2"]) {
            $0.reconnect = .init(maxAttemptsPerServer: 1, baseWait: .milliseconds(1), maxWait: .milliseconds(1),
                                 jitter: .zero, retryOnFailedConnect: true)
        }
        #expect(machine.connectRequested() == .dial(try Self.address("a:1"), channelID: 1))
        #expect(machine.dialFailed(channelID: 1, randomFraction: 0) == .dial(try Self.address("b:2"), channelID: 2))
        #expect(machine.dialFailed(channelID: 2, randomFraction: 0) == .scheduleReconnect(after: .milliseconds(1)))
        #expect(machine.reconnectWaitElapsed() == .giveUp(NATSClientError(.noServersAvailable, "no servers to try")))
    }

    @Test func withoutRetriesTheFirstConnectGivesUpAfterOneRound() throws {
        var machine = try Self.machine(servers: ["a:1"])
        #expect(machine.connectRequested() == .dial(try Self.address("a:1"), channelID: 1))
        #expect(machine.dialFailed(channelID: 1, randomFraction: 0)
            == .giveUp(NATSClientError(.connectionFailed, "could not connect to any server")))
    }

    @Test func reconnectDisabledGivesUpOnTheFirstLoss() throws {
        var machine = try Self.machine { $0.reconnect = .disabled }
        try Self.connected(&machine)
        #expect(machine.connectionLost(channelID: 1) == .giveUp)
    }

    @Test func discoveredServersJoinThePoolAndAnEarlyInfoWinsAtAdoption() throws {
        var machine = try Self.machine(servers: ["a:1"])
        #expect(machine.connectRequested() == .dial(try Self.address("a:1"), channelID: 1))
        var newer = Self.info
        newer.connectURLs = ["d:4"]
        newer.lameDuckMode = true
        #expect(machine.infoUpdated(newer, channelID: 1) == nil, "arrived before adoption: kept")
        guard case .adopted(_, _, let info, _) = machine.dialSucceeded(1, info: Self.info, channelID: 1) else {
            Issue.record("not adopted")
            return
        }
        #expect(info == newer && machine.serverInfo == newer)
        #expect(machine.pool.roundOrder(after: nil) == [try Self.address("a:1"), try Self.address("d:4")])
        #expect(machine.infoUpdated(newer, channelID: 1) == (try Self.address("a:1")), "lame duck on the current channel")
    }

    // MARK: - Publishing

    @Test func publishChecksTheServerLimitsAndTheReconnectBuffer() throws {
        var machine = try Self.machine { $0.reconnect.bufferSize = 10 }
        let operation = ClientOperation.publish(subject: "p", replyTo: nil, headers: nil, payload: ByteBuffer())
        #expect(try machine.publish(operation, size: 4, hasHeaders: true) == .buffered,
                "before the first INFO neither max_payload nor headers are checked")
        _ = machine.connectRequested()
        guard case .adopted(let operations, _, _, _) = machine.dialSucceeded(1, info: Self.info, channelID: 1) else {
            Issue.record("not adopted")
            return
        }
        #expect(operations == [operation], "the publish made before connecting goes out first")
        #expect(throws: NATSClientError.self) { try machine.publish(operation, size: 1025, hasHeaders: false) }
        var noHeaders = Self.info
        noHeaders.headers = false
        _ = machine.infoUpdated(noHeaders, channelID: 1)
        #expect(throws: NATSClientError(.headersNotSupported, "the server does not support headers")) {
            try machine.publish(operation, size: 1, hasHeaders: true)
        }
        _ = machine.connectionLost(channelID: 1)
        #expect(try machine.publish(operation, size: 10, hasHeaders: false) == .buffered)
        #expect(throws: NATSClientError(.reconnectBufferFull, "reconnect buffer of 10 bytes is full")) {
            try machine.publish(operation, size: 1, hasHeaders: false)
        }
    }

    // MARK: - Events in the wrong state

    enum LateEvent: String, CaseIterable {
        case connectAgain, staleDialFailure, staleDialSuccess, waitElapsedWhileConnected, staleChannelLost
    }

    @Test(arguments: LateEvent.allCases)
    func eventsForAnotherStateOrChannelAreIgnored(_ event: LateEvent) throws {
        var machine = try Self.machine()
        try Self.connected(&machine)
        _ = machine.connectionLost(channelID: 1)
        _ = machine.dialSucceeded(2, info: Self.info, channelID: 2)
        switch event {
        case .connectAgain: #expect(machine.connectRequested() == .stop)
        case .staleDialFailure: #expect(machine.dialFailed(channelID: 1, randomFraction: 0) == .stop)
        case .staleDialSuccess: #expect(machine.dialSucceeded(9, info: Self.info, channelID: 1) == .closeChannel)
        case .waitElapsedWhileConnected: #expect(machine.reconnectWaitElapsed() == .stop)
        case .staleChannelLost: #expect(machine.connectionLost(channelID: 1) == .ignore)
        }
        #expect(machine.isConnected && machine.transport == 2, "still on channel 2")
    }

    enum CallAfterClose: String, CaseIterable { case publish, subscribe, request, flush }

    @Test(arguments: CallAfterClose.allCases)
    func callsAfterCloseAreRejected(_ call: CallAfterClose) throws {
        var machine = try Self.machine()
        try Self.connected(&machine)
        _ = machine.closeRequested(reason: nil)
        let closed = NATSClientError(.connectionClosed, "the connection is closed")
        let reply = EmbeddedEventLoop().makePromise(of: NATSMessage.self)
        defer { reply.fail(CancellationError()) }
        #expect(throws: closed) {
            switch call {
            case .publish:
                _ = try machine.publish(.ping, size: 0, hasHeaders: false)
            case .subscribe:
                _ = try machine.subscribe(to: "s", queue: nil, sink: Self.streamSink().0)
            case .request:
                _ = try machine.requestStarted(to: "svc", timeout: .seconds(1), reply: reply)
            case .flush:
                _ = try machine.flushRequested()
            }
        }
        #expect(machine.dialSucceeded(5, info: Self.info, channelID: 1) == .closeChannel)
        #expect(machine.connectionLost(channelID: 1) == .ignore)
        guard case .drop = machine.messageArrived(Self.frame("s", sid: 1)) else {
            Issue.record("a message after close is not dropped")
            return
        }
    }

    @Test func flushWhileReconnectingIsRejected() throws {
        var machine = try Self.machine()
        try Self.connected(&machine)
        _ = machine.connectionLost(channelID: 1)
        #expect(throws: NATSClientError(.connectionClosed, "not connected (reconnecting)")) {
            try machine.flushRequested()
        }
    }
}

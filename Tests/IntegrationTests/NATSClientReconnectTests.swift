import NATSClient
import NATSTestSupport
import NIOCore
import Testing
import TestSupport

@Suite("NATSClient reconnect against nats-server")
struct NATSClientReconnectTests {
    @Test func serverRestartMidStreamReconnectsAndResubscribes() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let events = EventRecorder(nats)
        let plain = try await nats.subscribe(to: "stream.>")
        let grouped = try await nats.subscribe(to: "jobs", queue: "workers")
        try await nats.publish(ByteBuffer(string: "before"), to: "stream.a")
        #expect(try await plain.collect(1).first?.string == "before")

        try await server.restart()
        try await events.waitFor("disconnected") { if case .disconnected = $0 { true } else { false } }
        try await events.waitFor("reconnected") { if case .reconnected = $0 { true } else { false } }
        #expect(nats.isConnected)
        // The re-sent SUBs travel on our socket; a PING/PONG after them proves the server has them
        // before another client publishes on its own socket.
        try await nats.flush()

        // Another client proves the server knows our subscriptions again.
        let other = try await NATSTestClient.connect(server)
        try await other.publish(ByteBuffer(string: "after"), to: "stream.b")
        try await other.publish(ByteBuffer(string: "job"), to: "jobs")
        #expect(try await plain.collect(1).first?.string == "after")
        #expect(try await grouped.collect(1).first?.string == "job")
        // Request/reply works over the re-sent inbox too.
        let echo = try await other.subscribe(to: "echo")
        let serving = Task {
            for await request in echo {
                if let replyTo = request.replyTo { try await other.publish(request.payload, to: replyTo) }
            }
        }
        try await other.flush()
        #expect(try await nats.request(ByteBuffer(string: "ping"), to: "echo").string == "ping")
        serving.cancel()
        await other.close()
        await nats.close()
        try await events.waitFor("closed") { if case .closed = $0 { true } else { false } }
        try await server.stop()
    }

    @Test func publishesWhileDisconnectedAreBufferedAndSentAfterResubscribing() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server) {
            $0.reconnect.baseWait = .milliseconds(100)
            $0.reconnect.maxWait = .milliseconds(200)
        }
        let events = EventRecorder(nats)
        // Our own subscription (echo is on) sees the buffered publish only if the SUB is re-sent first.
        let own = try await nats.subscribe(to: "buffered")
        try await server.stop()
        try await events.waitFor("disconnected") { if case .disconnected = $0 { true } else { false } }
        try await nats.publish(ByteBuffer(string: "kept"), to: "buffered")
        await #expect(throws: NATSClientError.self, "beyond the reconnect buffer") {
            try await nats.publish(ByteBuffer(repeating: 0, count: 9 * 1024 * 1024), to: "buffered")
        }
        try await server.start()
        #expect(try await own.collect(1, timeout: .seconds(15)).first?.string == "kept")
        await nats.close()
        try await server.stop()
    }

    @Test func givesUpAfterTheConfiguredAttemptsAndCloses() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server) {
            $0.reconnect.maxAttemptsPerServer = 2
            $0.reconnect.baseWait = .milliseconds(10)
            $0.reconnect.maxWait = .milliseconds(20)
        }
        let events = EventRecorder(nats)
        try await server.stop()
        try await events.waitFor("closed after giving up") {
            if case .closed(let reason?) = $0 { reason.contains("noServersAvailable") } else { false }
        }
        #expect(nats.isClosed)
    }

    @Test func reconnectDisabledClosesOnDisconnect() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server) { $0.reconnect = .disabled }
        let subscription = try await nats.subscribe(to: "x")
        try await server.stop()
        for await _ in subscription {}
        try await pollUntil("connection closed") { nats.isClosed }
    }

    @Test func learnsConnectURLsFromTheCluster() async throws {
        // Two clustered servers: the first advertises the second in INFO.connect_urls, so a
        // client configured with only the first survives the first's shutdown.
        let clusterPortA = freeLoopbackPort()
        let clusterPortB = freeLoopbackPort()
        let routes = "routes: [\"nats-route://127.0.0.1:\(clusterPortA)\", \"nats-route://127.0.0.1:\(clusterPortB)\"]"
        let a = try await NATSServerProcess.start(config: "server_name: A\ncluster { name: C, listen: 127.0.0.1:\(clusterPortA), \(routes) }\n")
        let b = try await NATSServerProcess.start(config: "server_name: B\ncluster { name: C, listen: 127.0.0.1:\(clusterPortB), \(routes) }\n")
        let nats = try await NATSTestClient.connect(a)
        let events = EventRecorder(nats)
        try await pollUntil("A to advertise B") {
            nats.serverInfo?.connectURLs?.contains("127.0.0.1:\(b.port)") == true
        }
        let subscription = try await nats.subscribe(to: "cluster")
        try await a.stop()
        try await events.waitFor("reconnected to B") {
            if case .reconnected(let server) = $0 { server.hasSuffix(":\(b.port)") } else { false }
        }
        try await nats.flush()
        let other = try await NATSTestClient.connect(b)
        try await other.publish(ByteBuffer(string: "via B"), to: "cluster")
        #expect(try await subscription.collect(1).first?.string == "via B")
        await other.close()
        await nats.close()
        try await b.stop()
    }
}

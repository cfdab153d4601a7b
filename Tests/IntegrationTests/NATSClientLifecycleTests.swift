import Foundation
import NATSClient
import NATSTestSupport
import NIOCore
import ServiceLifecycle
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Keep-alive, lame duck and service lifecycle against a real server.
@Suite("NATSClient lifecycle against nats-server")
struct NATSClientLifecycleTests {
    @Test func aFrozenServerIsDetectedAsStaleAndTheClientComesBack() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server) {
            $0.pingInterval = .milliseconds(200)
            $0.maxPingsOutstanding = 2
            $0.connectTimeout = .seconds(1)
        }
        let events = EventRecorder(nats)
        let subscription = try await nats.subscribe(to: "alive")
        // SIGSTOP keeps the socket open but stops all answers: only PING/PONG can notice.
        kill(server.pid, SIGSTOP)
        do {
            try await events.waitFor("stale disconnect") {
                if case .disconnected(let reason) = $0 { reason.contains("staleConnection") } else { false }
            }
        } catch {
            kill(server.pid, SIGCONT)
            throw error
        }
        kill(server.pid, SIGCONT)
        try await events.waitFor("reconnected") { if case .reconnected = $0 { true } else { false } }
        try await nats.publish(ByteBuffer(string: "back"), to: "alive")
        #expect(try await subscription.collect(1).first?.string == "back")
        await nats.close()
        try await server.stop()
    }

    @Test func lameDuckModeIsReported() async throws {
        let server = try await NATSServerProcess.start(config: "lame_duck_grace_period: 200ms\nlame_duck_duration: 30s\n")
        let nats = try await NATSTestClient.connect(server)
        let events = EventRecorder(nats)
        let signal = try await runCommand(try TestEnvironment.tool("nats-server"), ["--signal", "ldm=\(server.pid)"])
        #expect(signal.status == 0, "\(signal.stderr)")
        try await events.waitFor("lame duck event") { if case .lameDuckMode = $0 { true } else { false } }
        await nats.close()
        try await server.stop()
    }

    @Test func serviceRunClosesWhenCancelled() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let subscription = try await nats.subscribe(to: "svc")
        let running = Task { try await nats.run() }
        running.cancel()
        _ = await running.result
        #expect(nats.isClosed)
        var count = 0
        for await _ in subscription { count += 1 }
        #expect(count == 0, "the subscription ended with the connection")
        try await server.stop()
    }

    @Test func gracefulShutdownOfAServiceGroupDrainsTheConnection() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let publisher = try await NATSTestClient.connect(server)
        let subscription = try await nats.subscribe(to: "lifecycle")
        try await nats.flush()
        for index in 0..<5 { try await publisher.publish(ByteBuffer(string: "\(index)"), to: "lifecycle") }
        try await publisher.flush()
        let group = ServiceGroup(services: [nats], gracefulShutdownSignals: [], logger: NATSTestClient.logger)
        let running = Task { try await group.run() }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(nats.isClosed)
        var received: [String] = []
        for await message in subscription { received.append(message.string) }
        #expect(received == (0..<5).map(String.init), "drained, not dropped")
        await publisher.close()
        try await server.stop()
    }

    @Test func retryOnFailedConnectWaitsForALateServer() async throws {
        let port = freeLoopbackPort()
        var configuration = NATSConfiguration(servers: ["nats://127.0.0.1:\(port)"], connectTimeout: .seconds(5))
        configuration.reconnect.retryOnFailedConnect = true
        configuration.reconnect.baseWait = .milliseconds(50)
        configuration.reconnect.maxWait = .milliseconds(100)
        configuration.reconnect.maxAttemptsPerServer = nil
        let connecting = Task { [configuration] in
            try await NATSConnection.connect(configuration, logger: NATSTestClient.logger)
        }
        let server = try await NATSServerProcess.start(port: port)
        let nats = try await connecting.value
        #expect(nats.isConnected)
        await nats.close()
        try await server.stop()
    }

    @Test func connectFailsClearlyWhenNothingListens() async throws {
        let port = freeLoopbackPort()
        do {
            let nats = try await NATSConnection.connect(
                NATSConfiguration(servers: ["nats://127.0.0.1:\(port)"], connectTimeout: .seconds(2)),
                logger: NATSTestClient.logger
            )
            await nats.close()
            Issue.record("connect should fail")
        } catch let error as NATSClientError {
            #expect(error.code == .connectionFailed)
        }
        await #expect(throws: NATSClientError.self) {
            _ = try await NATSConnection.connect(NATSConfiguration(servers: []), logger: NATSTestClient.logger)
        }
    }
}

import JetStream
import NATSClient
import NATSTestSupport
import TestSupport

/// A real nats-server with JetStream (its own store directory, ephemeral port) and our client.
struct JetStreamTestServer {
    let server: NATSServerProcess
    let nats: NATSConnection
    let js: JetStreamContext

    static func start() async throws -> JetStreamTestServer {
        let server = try await NATSServerProcess.start(jetStream: true, label: "js")
        let nats = try await NATSTestClient.connect(server)
        return JetStreamTestServer(server: server, nats: nats, js: JetStreamContext(connection: nats, timeout: .seconds(10)))
    }

    func stop() async throws {
        await nats.close()
        try await server.stop()
    }
}

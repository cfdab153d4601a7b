import Foundation
import Testing
import TestSupport

/// The test harness itself, against the real server: if these fail, every integration test would.
@Suite("Real nats-server harness")
struct NATSServerProcessTests {
    @Test func startsOnAnEphemeralPortAndStopsByPID() async throws {
        let server = try await NATSServerProcess.start()
        #expect(server.port > 0 && server.port != 4222)
        #expect(canConnect(port: server.port))
        try await server.stop()
        #expect(!canConnect(port: server.port))
    }

    @Test func independentPythonClientRoundTrips() async throws {
        let server = try await NATSServerProcess.start()
        defer { Task { try? await server.stop() } }
        let result = try await runPython("""
            import asyncio, sys, nats
            async def main():
                nc = await nats.connect(sys.argv[1])
                sub = await nc.subscribe("probe")
                await nc.publish("probe", b"hello")
                msg = await sub.next_msg(timeout=5)
                print(msg.data.decode())
                await nc.close()
            asyncio.run(main())
            """, arguments: [server.url])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "hello")
    }
}

import NATSClient
import NATSTestSupport
import NIOCore
import Testing
import TestSupport

/// nats-py on the other end: proves our wire format against an independent implementation.
@Suite("NATSClient interop with nats-py")
struct NATSClientInteropTests {
    @Test func pythonRequestsOurResponderWithHeaders() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let service = try await nats.subscribe(to: "interop.swift")
        let serving = Task {
            for await request in service {
                guard let replyTo = request.replyTo else { continue }
                var headers = NATSHeaders()
                headers.add(name: "Echo-Of", value: request.headers?["X-From"] ?? "none")
                try await nats.publish(ByteBuffer(string: "swift:" + request.string), to: replyTo, headers: headers)
            }
        }
        try await nats.flush()
        let result = try await runPython("""
            import asyncio, sys, nats
            async def main():
                nc = await nats.connect(sys.argv[1])
                msg = await nc.request("interop.swift", b"hi", timeout=5, headers={"X-From": "python"})
                print(msg.data.decode(), msg.headers.get("Echo-Of"))
                await nc.close()
            asyncio.run(main())
            """, arguments: [server.url])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "swift:hi python")
        serving.cancel()
        await nats.close()
        try await server.stop()
    }

    @Test func weRequestAPythonResponderAndReceiveItsPublishes() async throws {
        let server = try await NATSServerProcess.start()
        let nats = try await NATSTestClient.connect(server)
        let ready = try await nats.subscribe(to: "interop.ready")
        try await nats.flush()
        async let python = runPython("""
            import asyncio, sys, nats
            async def main():
                nc = await nats.connect(sys.argv[1])
                done = asyncio.Event()
                async def handle(msg):
                    await msg.respond(b"py:" + msg.data)
                    done.set()
                await nc.subscribe("interop.py", cb=handle)
                await nc.flush()
                await nc.publish("interop.ready", b"ready", headers={"Lang": "python", "Multi": "v"})
                await asyncio.wait_for(done.wait(), 10)
                await nc.flush()
                await nc.close()
            asyncio.run(main())
            """, arguments: [server.url])
        let hello = try #require(try await ready.collect(1, timeout: .seconds(20)).first)
        #expect(hello.string == "ready")
        #expect(hello.headers?["Lang"] == "python")
        let reply = try await nats.request(ByteBuffer(string: "hello"), to: "interop.py", timeout: .seconds(10))
        #expect(reply.string == "py:hello")
        let result = try await python
        #expect(result.status == 0, "\(result.stderr)")
        await nats.close()
        try await server.stop()
    }
}

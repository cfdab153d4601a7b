import Foundation
import Testing
import TestSupport

@Suite("scim-callout serve: acknowledged SCIM writes survive kill -9")
struct StoreDurabilityTests {
    /// Creates users over HTTP against the real binary, SIGKILLs it mid-stream, and checks with
    /// an independent reader (Python's sqlite3) that every user answered 201 is in the database.
    @Test func acknowledgedCreatesSurviveSIGKILL() async throws {
        let directory = try TestEnvironment.temporaryDirectory("durable")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)
        let token = try await ServeFixture.scimToken(directory, name: "durability")
        let nats = try await ServeFixture.natsServer(directory)
        defer { Task { try? await nats.stop() } }
        let (serve, port) = try await ServeFixture.startServe(directory, nats: nats)
        // The writer posts users on 4 threads, printing each userName once its 201 arrived; the
        // test kills the server as soon as 100 are acknowledged, while requests are in flight.
        let writer = """
            import json, sys, threading, urllib.request
            port, token = sys.argv[1], sys.argv[2]
            lock = threading.Lock()
            def work(w):
                for i in range(100000):
                    name = f"durable-{w}-{i}"
                    body = json.dumps({"userName": name}).encode()
                    req = urllib.request.Request(f"http://127.0.0.1:{port}/scim/v2/Users", data=body, method="POST",
                        headers={"Authorization": "Bearer " + token, "Content-Type": "application/scim+json"})
                    try:
                        with urllib.request.urlopen(req, timeout=10) as r:
                            if r.status == 201:
                                with lock:
                                    print(name, flush=True)
                    except Exception:
                        return
            threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
            for t in threads: t.start()
            for t in threads: t.join()
            """
        let script = directory.appendingPathComponent("writer.py")
        try Data(writer.utf8).write(to: script)
        let acks = directory.appendingPathComponent("acks.log")
        let client = try ManagedProcess(executable: try TestEnvironment.python(),
                                        arguments: [script.path, String(port), token], logURL: acks)
        try await pollUntil("100 acknowledged creates", timeout: .seconds(60)) {
            client.output.split(separator: "\n").count >= 100
        }
        _ = try await serve.stop(signal: SIGKILL)
        _ = try await client.waitForExit(timeout: .seconds(30))
        let acknowledged = Set(client.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("durable-") })
        #expect(acknowledged.count >= 100)

        let reader = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            for (name,) in db.execute("SELECT user_name FROM users"):
                print(name)
            """
        let stored = try await runPython(reader, arguments: [directory.appendingPathComponent("scim-callout.sqlite").path])
        #expect(stored.status == 0, "\(stored.stderr)")
        let names = Set(stored.stdout.split(separator: "\n").map(String.init))
        let lost = acknowledged.subtracting(names)
        #expect(lost.isEmpty, "acknowledged but lost after kill -9: \(lost.sorted().prefix(10))")
    }
}

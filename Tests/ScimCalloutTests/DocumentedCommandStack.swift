import Foundation
import IdentityStore
import TestSupport

/// The real installation the documented commands run against: `scim-callout init` in a temporary
/// data folder, a nats-server on init's configuration, `serve` running, user `alice` (password
/// set) in group `nats-demo`, and a few decisions in the log.
final class DocumentedCommandStack: Sendable {
    let directory: URL
    let nats: NATSServerProcess
    let serve: ManagedProcess
    let httpPort: Int

    /// Stopped by ``stop()``; the folders are removed with it.
    private let scratch: URL

    static let alicePassword = "alice-doc-pw"

    static func start() async throws -> DocumentedCommandStack {
        let scratch = try TestEnvironment.temporaryDirectory("documented-commands")
        let directory = scratch.appendingPathComponent("data")
        try await ServeFixture.prepare(directory)
        let database = try ServeFixture.openStore(directory)
        let alice = try await database.createUser(.init(userName: "alice", resource: "{}"),
                                                  passwordHash: try PasswordHasher.testing.hashSync(alicePassword))
        _ = try await database.createGroup(.init(displayName: "nats-demo", resource: "{}"), members: [.init(value: alice.id)])
        let nats = try await ServeFixture.natsServer(directory)
        // Publishing decisions (a single node feeding a SIEM) lets `decisions --follow --cluster` run.
        let (serve, port) = try await ServeFixture.startServe(directory, nats: nats,
                                                              environment: ["SCIM_CALLOUT_REPLICATION_PUBLISH_DECISIONS": "true"])
        let stack = DocumentedCommandStack(directory: directory, nats: nats, serve: serve, httpPort: port, scratch: scratch)
        // An allowed and a denied connect, so the decision queries have rows to show.
        try await stack.connect(password: alicePassword, expecting: "allowed")
        try await stack.connect(password: "wrong", expecting: "denied")
        return stack
    }

    private init(directory: URL, nats: NATSServerProcess, serve: ManagedProcess, httpPort: Int, scratch: URL) {
        self.directory = directory
        self.nats = nats
        self.serve = serve
        self.httpPort = httpPort
        self.scratch = scratch
    }

    /// An empty folder for an example that creates its own data folder (`init`).
    func freshDirectory() throws -> URL {
        let url = scratch.appendingPathComponent("fresh-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A new SCIM token's id (never its value), for an example that revokes one.
    func issueSCIMTokenID() async throws -> String {
        let database = try ServeFixture.openStore(directory)
        return try await database.issueSCIMToken(name: "documented-example").info.id
    }

    /// Connects as alice through the callout; `expecting` is `allowed` or `denied`.
    func connect(password: String, expecting: String) async throws {
        let result = try await runPython("""
            import asyncio, sys, nats
            async def main():
                errors = []
                async def on_error(e): errors.append(str(e))
                try:
                    nc = await nats.connect(sys.argv[1], user="alice", password=sys.argv[2], connect_timeout=5,
                                            allow_reconnect=False, max_reconnect_attempts=0, error_cb=on_error)
                except Exception as e:
                    print("denied" if any("Authorization Violation" in x for x in errors + [str(e)]) else "error")
                    return
                await nc.close()
                print("allowed")
            asyncio.run(main())
            """, arguments: [nats.url, password], timeout: .seconds(60))
        let outcome = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard outcome == expecting else {
            throw TestSupportError.processFailed(command: "connect as alice (expected \(expecting))", status: result.status,
                                                 output: "\(outcome)\n\(result.stderr)")
        }
    }

    func stop() async {
        _ = try? await serve.stop(signal: SIGTERM)
        try? await nats.stop()
        try? FileManager.default.removeItem(at: scratch)
    }
}

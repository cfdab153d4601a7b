import Foundation
import Hummingbird
import IdentityStore
import Logging
import SCIM
import SCIMServer

/// The SCIM server as the SCIM and history suites measure it: a file store (WAL,
/// `synchronous=FULL`) in a fresh temporary directory, one SCIM token, and the routes running
/// in-process on an ephemeral 127.0.0.1 port. Schemas are read from `./Schemas` (or
/// `SCIM_CALLOUT_SCHEMAS`).
struct BenchSCIMServer {
    let store: IdentityDatabase
    let port: Int
    /// The bearer token of the SCIM client.
    let token: String

    /// Starts the server, runs `body` against it, then stops it and removes the store.
    static func with(
        label: String,
        _ body: (BenchSCIMServer) async throws -> [BenchResult]
    ) async throws -> [BenchResult] {
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try IdentityDatabase.open(path: directory.appendingPathComponent("bench.sqlite").path, logger: logger)
        let schemas = ProcessInfo.processInfo.environment["SCIM_CALLOUT_SCHEMAS"] ?? "Schemas"
        let registry = try SchemaRegistry(directory: URL(fileURLWithPath: schemas))
        let token = try await store.issueSCIMToken(name: "bench").token
        let router = SCIMRoutes.buildRouter(repository: store, registry: registry)
        let portStream = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portStream.continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)

        return try await withThrowingTaskGroup(of: [BenchResult].self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return []
            }
            var iterator = portStream.stream.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                throw SCIMBench.Failure(description: "server did not start")
            }
            let results = try await body(BenchSCIMServer(store: store, port: port, token: token))
            group.cancelAll()
            return results
        }
    }
}

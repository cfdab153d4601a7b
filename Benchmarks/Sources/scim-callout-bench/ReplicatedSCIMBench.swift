import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IdentityStore
import Logging
import TestSupport

/// Replicated SCIM writes as production runs them: three `scim-callout serve` processes (the
/// binary next to this one) with `replication.enabled`, each on its own data folder, on a 3-node
/// loopback JetStream cluster (``NATSCluster``).
///
/// Call from `BenchMain`: `report.add(suite: "Replicated SCIM", results: try await ReplicatedSCIMBench.run(), note: ReplicatedSCIMBench.note)`.
enum ReplicatedSCIMBench {
    static let note = """
        How to read these figures (issue 15; targets ≥ 1,000 creates/s with replicas 3, apply lag p99 < 50 ms):
        *creates/s* is user creates over HTTP from 32 concurrent clients spread over the three replicas, each
        answered 201 only after the stream stored the command and the writing replica applied it. *apply lag*
        is, for creates sent one at a time to replica 1, the time from its 201 until every replica's SQLite holds
        the command's stream position (`replication_position`, committed with the change), read by polling the
        three files: it includes up to about a millisecond of polling.
        """

    static func run(creates: Int = 3_000, clients: Int = 32, lagSamples: Int = 300) async throws -> [BenchResult] {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("scim-callout")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("\(binary.path) is missing: build it with `swift build -c release --product scim-callout`")
        }
        let root = try TestEnvironment.temporaryDirectory("replicated-bench")
        defer { try? FileManager.default.removeItem(at: root) }
        let keys = root.appendingPathComponent("keys")
        try await cli(binary, ["init", "--data-dir", keys.path])
        let conf = try String(contentsOf: keys.appendingPathComponent("nats-server.conf"), encoding: .utf8)
        let cluster = try await NATSCluster.start(config: NATSCluster.body(fromInitConfiguration: conf), label: "bench-replicated")
        var processes: [ManagedProcess] = []
        do {
            var replicas: [(port: Int, token: String, store: String)] = []
            for index in 1...3 {
                let directory = root.appendingPathComponent("r\(index)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                for file in ["config.yaml", "policy.yaml", "issuer.nk", "xkey.nk", "service.nk", "sys.nk"] {
                    try FileManager.default.copyItem(at: keys.appendingPathComponent(file), to: directory.appendingPathComponent(file))
                }
                let token = try await cli(binary, ["tokens", "issue", "--data-dir", directory.path, "--scim", "--name", "bench", "--quiet"])
                let port = freeLoopbackPort()
                processes.append(try ManagedProcess(
                    executable: binary, arguments: ["serve", "--data-dir", directory.path],
                    environment: ["SCIM_CALLOUT_HTTP_LISTEN": "127.0.0.1:\(port)", "SCIM_CALLOUT_LOG_LEVEL": "warning",
                                  "SCIM_CALLOUT_NATS_URLS": cluster.urls.joined(separator: ","),
                                  "SCIM_CALLOUT_REPLICATION_ENABLED": "true", "SCIM_CALLOUT_REPLICATION_REPLICA_ID": "r\(index)"],
                    logURL: directory.appendingPathComponent("serve.log")))
                replicas.append((port, token, directory.appendingPathComponent("scim-callout.sqlite").path))
            }
            for (replica, process) in zip(replicas, processes) {
                try await pollUntil("replica on \(replica.port) ready", timeout: .seconds(60), interval: .milliseconds(50)) {
                    guard process.isRunning else { throw BenchError("serve exited: \(process.output.suffix(2_000))") }
                    return await status(replica.port, "GET", "/readyz", token: nil) == 200
                }
            }
            var results: [BenchResult] = []

            // 1. Creates/s, `clients` at once over the three replicas.
            let clock = ContinuousClock()
            let start = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<clients {
                    let replica = replicas[client % replicas.count]
                    group.addTask {
                        for number in stride(from: client, to: creates, by: clients) {
                            let code = await status(replica.port, "POST", "/scim/v2/Users", token: replica.token,
                                                    body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bench-\#(number)"}"#)
                            guard code == 201 else { throw BenchError("create bench-\(number) answered \(code)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = start.duration(to: clock.now)
            results.append(BenchResult(name: "replicated creates, \(clients) clients over 3 replicas",
                                       value: Double(creates) / ClusterBench.seconds(elapsed), unit: "creates/s"))

            // 2. Apply lag: 201 from replica 1 → every replica's SQLite holds that position.
            let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
            let stores = try replicas.map { try IdentityDatabase.open(path: $0.store, logger: logger) }
            var lags: [Double] = []
            for number in 0..<lagSamples {
                let code = await status(replicas[0].port, "POST", "/scim/v2/Users", token: replicas[0].token,
                                        body: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"lag-\#(number)"}"#)
                let acked = clock.now
                guard code == 201 else { throw BenchError("create lag-\(number) answered \(code)") }
                let sequence = try await stores[0].appliedSequence()
                var waiting = Set(1..<stores.count)
                while !waiting.isEmpty {
                    for index in waiting {
                        if try await stores[index].appliedSequence() >= sequence { waiting.remove(index) }
                    }
                    if clock.now - acked > .seconds(10) { throw BenchError("replicas did not apply \(sequence) within 10 s") }
                }
                lags.append(ClusterBench.milliseconds(acked.duration(to: clock.now)))
            }
            lags.sort()
            results.append(BenchResult(name: "apply lag to every replica p50", value: CalloutBench.percentile(lags, 0.50), unit: "ms"))
            results.append(BenchResult(name: "apply lag to every replica p99", value: CalloutBench.percentile(lags, 0.99), unit: "ms"))
            for process in processes { _ = try? await process.stop() }
            try await cluster.stop()
            return results
        } catch {
            for process in processes { _ = try? await process.stop() }
            try? await cluster.stop()
            throw error
        }
    }

    @discardableResult
    private static func cli(_ binary: URL, _ arguments: [String]) async throws -> String {
        let result = try await runCommand(binary, arguments)
        guard result.status == 0 else { throw BenchError("scim-callout \(arguments.first ?? "") failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The HTTP status of one request (0 when nothing answers).
    private static func status(_ port: Int, _ method: String, _ path: String, token: String?, body: String? = nil) async -> Int {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { return 0 }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/scim+json", forHTTPHeaderField: "Content-Type")
        }
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return 0 }
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}

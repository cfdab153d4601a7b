import Foundation
import GRDB
import IdentityStore
import JetStream
import Logging
import NATSClient
import NIOConcurrencyHelpers
import NKeys
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Replication on a 3-node cluster (issue 15): three nats-server processes with JetStream and
/// routes (``NATSCluster``, shared with the chaos tests), three release `scim-callout serve` replicas with
/// `replication.enabled: true` and their own data folders, every process stopped by its PID.
///
/// Measured in one run: replicated creates/s over HTTP spread across the replicas, apply lag
/// from the stream's store time to each replica's commit, deactivation 2xx to every replica's
/// store having the user inactive, and the connect gap when a replica is killed (`kill -9`)
/// under a fixed-rate connect load. Bootstrap at 1M users is the snapshot suite's figure.
///
/// Usage from `BenchMain`: `report.add(suite: "Replication on a 3-node cluster", results: …, note: ReplicationBench.note)`.
/// Environment (all bounded): `REPLICATION_BENCH_CREATES` (3000), `REPLICATION_BENCH_CONNECTIONS`
/// (32), `REPLICATION_BENCH_REVOCATIONS` (50), `REPLICATION_BENCH_SESSION_CUTS` (30),
/// `REPLICATION_BENCH_CONNECT_RATE` (50 connects/s),
/// `REPLICATION_BENCH_FAILOVER_SECONDS` (12; the replica dies a third of the way in),
/// `REPLICATION_BENCH_TIME_LIMIT` (900 s for the measured part; then every process is killed).
enum ReplicationBench {
    static let stream = "SCIM_CALLOUT"
    static let replicaCount = 3
    static let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    /// What the figures mean, and which build ran (a debug build's figures are not comparable).
    static var note: String {
        let build = CommandLine.arguments[0].contains("/release/") ? "release" : "debug (not comparable with release figures)"
        return baseNote + "\n- Binaries of this run: \(build) build of `scim-callout` and `scim-callout-bench`."
    }

    static let baseNote = """
        Three nats-server processes (JetStream, file storage, routes on loopback) and three
        `scim-callout serve` replicas with `replication.enabled: true`, each with its own data folder, all on
        this one 2-core host (so every figure includes the other five processes' CPU). The stream has
        `replicas: 3`. Each replica's home nats-server is a different one.
        - *replicated creates* are SCIM `POST /Users` over HTTP on keep-alive connections spread evenly over
          the three replicas; each 201 comes after the stream's ack and the writing replica's own apply.
        - *apply lag* runs from the time the stream stored a command (the leader's timestamp, taken before the
          R3 quorum and so before the writer's PubAck: the figure is an upper bound) to the moment the replica's
          commit of that sequence was visible in its SQLite file (`replication_position`, polled read-only every
          1 ms from outside the process: up to 1 ms more). *each replica* counts every (sequence, replica)
          pair, *every replica* the slowest of the three per sequence.
        - *deactivation to every replica* runs from the 2xx of a `PATCH active=false` (sent to the replicas in
          turn) to the moment all three stores have the user inactive, the row their callout reads; 0 when
          every replica already had it at the 2xx (the writer waits for the others' applied reports when
          the revocation barrier is in).
        - *session cut* connects one client per user (password, group `sessions`) to the nats-servers in
          turn, then sends `PATCH active=false` to the next replica and times from sending it to the moment the
          client sees its connection closed by nats-server: the writing replica's kick through `$SYS`, wherever
          the session is (target, issue 15: under 1 s, cut once).
        - *failover* runs nats-py clients connecting at a fixed rate through the auth callout, spread over
          the three nats-servers, then `kill -9` one replica a third of the way in. An attempt is *affected*
          when it fails or takes longer than max(100 ms, 2 × the p99 before the kill); the *gap* is from the
          kill to the end of the last affected attempt (0: none was affected). `kill -9` closes the replica's
          sockets at once, so nats-server drops it from the queue group at once; a host that vanishes without
          closing them (power, partition) leaves requests to it unanswered until the callout's 2 s timeout.
        - *CPU per replicated create* adds the CPU of every process (`/proc/<pid>/stat` of the replicas and
          nodes, `getrusage` of this bench) over the create window and divides by the creates; the
          *ceiling* is the host's cores divided by it: the most creates/s these cores could sustain with
          every process busy, however many connections the bench opens. The *derived* row is not measured:
          it divides the replicas' and nodes' CPU by three, as when each replica and its node run on their
          own host of the same size (writes spread evenly, so each replica writes a third and applies all).
        - Targets (issue 15): ≥ 1,000 creates/s with replicas 3; apply lag p99 < 50 ms.
        """

    static let policy = """
        version: 1
        account: APP
        bindings:
          - group: developers
            publish: ["app.{{userName}}.>", "_INBOX.>"]
            subscribe: ["app.>", "_INBOX.>"]
          - group: sessions
            publish: ["app.{{userName}}.>", "_INBOX.>"]
            subscribe: ["app.>", "_INBOX.>"]
        """

    /// A running replica: its process, HTTP port, SCIM token and store file.
    struct Replica {
        var id: String
        var process: ManagedProcess
        var httpPort: Int
        var token: String
        var storePath: String
    }

    static func run() async throws -> [BenchResult] {
        let environment = ProcessInfo.processInfo.environment
        func setting(_ name: String, _ fallback: Int) -> Int { environment[name].flatMap { Int($0) } ?? fallback }
        let creates = setting("REPLICATION_BENCH_CREATES", 3_000)
        let connections = setting("REPLICATION_BENCH_CONNECTIONS", 32)
        let revocations = setting("REPLICATION_BENCH_REVOCATIONS", 50)
        let connectRate = setting("REPLICATION_BENCH_CONNECT_RATE", 50)
        let failoverSeconds = max(3, setting("REPLICATION_BENCH_FAILOVER_SECONDS", 12))
        let timeLimit = setting("REPLICATION_BENCH_TIME_LIMIT", 900)

        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("scim-callout")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("\(binary.path) is missing: build it with `swift build -c release --product scim-callout`")
        }
        // Six processes share this host's cores: the figures depend on what else runs.
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.flatMap { Double($0) }
        let directory = try TestEnvironment.temporaryDirectory("ha-bench")
        defer { try? FileManager.default.removeItem(at: directory) }
        let folders = try await prepareDataFolders(binary: binary, under: directory)

        func publicKey(_ file: String) throws -> String {
            try KeyPair(seed: try String(contentsOf: folders[0].appendingPathComponent(file), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)).publicKey
        }
        let issuer = try publicKey("issuer.nk"), service = try publicKey("service.nk"), system = try publicKey("sys.nk")
        // `bench` reads the stream's store times; it bypasses the callout like the service user.
        let cluster = try await NATSCluster.start(config: """
            accounts {
              AUTH { jetstream: enabled, users: [ { nkey: \(service) }, { user: bench, password: bench-password } ] }
              APP {}
              SYS { users: [ { nkey: \(system) } ] }
            }
            system_account: SYS
            authorization {
              timeout: 2
              auth_callout {
                issuer: \(issuer)
                auth_users: [ \(service), \(system), bench ]
                account: AUTH
              }
            }
            """, label: "ha-bench")
        var replicas: [Replica] = []
        var watchers: [PositionWatcher] = []
        var nats: NATSConnection?
        do {
            for (index, folder) in folders.enumerated() {
                replicas.append(try await startReplica(index: index, folder: folder, binary: binary, urls: cluster.urls))
            }
            for replica in replicas {
                try await pollUntil("replica \(replica.id) ready", timeout: .seconds(90), interval: .milliseconds(50)) {
                    guard replica.process.isRunning else {
                        throw BenchError("replica \(replica.id) exited:\n\(replica.process.output.suffix(2_000))")
                    }
                    return await ServedCalloutBench.isReady("http://127.0.0.1:\(replica.httpPort)/readyz")
                }
            }
            // A bound on the whole run: a stuck request (blocking HTTP, no client timeout) ends when
            // its server dies, so past the limit every process is killed by PID and the suite fails.
            let pids = replicas.map(\.process.pid) + cluster.nodes.indices.compactMap { cluster.pid(node: $0) }
            let watchdog = Task {
                try await Task.sleep(for: .seconds(timeLimit))
                FileHandle.standardError.write(Data("replication suite: over \(timeLimit) s, killing its processes\n".utf8))
                for pid in pids { kill(pid, SIGKILL) }
            }
            defer { watchdog.cancel() }
            var configuration = NATSConfiguration(servers: cluster.urls, connectTimeout: .seconds(10))
            configuration.authentication = .userPassword(user: "bench", password: "bench-password")
            let connection = try await NATSConnection.connect(configuration, logger: logger)
            nats = connection
            let js = JetStreamContext(connection: connection, timeout: .seconds(10))
            watchers = try replicas.map { try PositionWatcher(path: $0.storePath, stream: stream) }

            var results = load.map { [BenchResult(name: "host load average (1 min) when the suite started", value: $0, unit: "runnable")] } ?? []
            let nodePIDs = cluster.nodes.indices.compactMap { cluster.pid(node: $0) }
            results += try await measureCreates(replicas: replicas, nodePIDs: nodePIDs, watchers: watchers, js: js,
                                                   creates: creates, connections: connections)
            results += try await measureRevocations(replicas: replicas, count: revocations)
            results += try await measureSessionCuts(replicas: replicas, urls: cluster.urls, count: setting("REPLICATION_BENCH_SESSION_CUTS", 30))
            results += try await measureFailover(replicas: replicas, cluster: cluster, rate: connectRate, seconds: failoverSeconds)
            for watcher in watchers { watcher.stop() }
            await connection.close()
            for replica in replicas { _ = try? await replica.process.stop(signal: SIGTERM, timeout: .seconds(20)) }
            try? await cluster.stop()
            return results
        } catch {
            for watcher in watchers { watcher.stop() }
            await nats?.close()
            for replica in replicas { _ = try? await replica.process.stop(signal: SIGKILL) }
            try? await cluster.stop()
            throw error
        }
    }

    // MARK: Setup

    /// One `init` (keys, config), copied to every replica's folder: the replicas share the
    /// callout's issuer and service keys, each keeps its own store and decision table.
    static func prepareDataFolders(binary: URL, under directory: URL) async throws -> [URL] {
        let first = directory.appendingPathComponent("r1")
        let initResult = try await runCommand(binary, ["init", "--data-dir", first.path])
        guard initResult.status == 0 else { throw BenchError("scim-callout init failed: \(initResult.stderr)") }
        try Data(policy.utf8).write(to: first.appendingPathComponent("policy.yaml"))
        // Plain callout requests (no xkey), as the served benchmark's plain mode.
        let configURL = first.appendingPathComponent("config.yaml")
        let config = try String(contentsOf: configURL, encoding: .utf8)
        try Data(config.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("xkey_seed_file") }.joined(separator: "\n").utf8).write(to: configURL)
        var folders = [first]
        for index in 2...replicaCount {
            let folder = directory.appendingPathComponent("r\(index)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in try FileManager.default.contentsOfDirectory(atPath: first.path) where !file.contains(".sqlite") {
                try FileManager.default.copyItem(at: first.appendingPathComponent(file), to: folder.appendingPathComponent(file))
            }
            folders.append(folder)
        }
        return folders
    }

    /// Starts replica `index` with its home nats-server first in `nats.urls`, after issuing its
    /// SCIM token into its own store (tokens are local to a replica).
    static func startReplica(index: Int, folder: URL, binary: URL, urls: [String]) async throws -> Replica {
        let id = "r\(index + 1)"
        let storePath = folder.appendingPathComponent("scim-callout.sqlite").path
        let token = try await IdentityDatabase.open(path: storePath, logger: logger).issueSCIMToken(name: "bench").token
        let port = freeLoopbackPort()
        let home = urls[index % urls.count]
        let process = try ManagedProcess(
            executable: binary, arguments: ["serve", "--data-dir", folder.path],
            environment: [
                "SCIM_CALLOUT_NATS_URLS": ([home] + urls.filter { $0 != home }).joined(separator: ","),
                "SCIM_CALLOUT_HTTP_LISTEN": "127.0.0.1:\(port)",
                "SCIM_CALLOUT_STORE_PATH": storePath,
                "SCIM_CALLOUT_LOG_FORMAT": "json",
                "SCIM_CALLOUT_REPLICATION_ENABLED": "true",
                "SCIM_CALLOUT_REPLICATION_REPLICA_ID": id,
            ],
            logURL: folder.appendingPathComponent("serve.log"))
        return Replica(id: id, process: process, httpPort: port, token: token, storePath: storePath)
    }

    // MARK: Creates and apply lag

    static func measureCreates(
        replicas: [Replica], nodePIDs: [Int32], watchers: [PositionWatcher], js: JetStreamContext, creates: Int, connections: Int
    ) async throws -> [BenchResult] {
        let before = try await lastSequence(js)
        // Every process's CPU over the window: the whole cost of a replicated create on this one
        // host, which bounds the rate its cores can sustain whatever the concurrency.
        let replicaPIDs = replicas.map(\.process.pid)
        func cpu(_ pids: [Int32]) throws -> Double { try pids.reduce(0) { try $0 + ServedCalloutBench.processCPUSeconds(pid: $1) } }
        let cpuBefore = (replicas: try cpu(replicaPIDs), nodes: try cpu(nodePIDs), client: CalloutBench.processCPUSeconds())
        let ports = replicas.map(\.httpPort), tokens = replicas.map(\.token)
        let latencies = SCIMBench.Samples()
        let elapsed = try await SCIMBench.onThreads(connections) { worker in
            let replica = worker % ports.count
            let client = try BenchHTTPClient(port: ports[replica], token: tokens[replica])
            for i in stride(from: worker, to: creates, by: connections) {
                let start = ContinuousClock.now
                let response = try client.request("POST", "/scim/v2/Users", body: """
                    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ha-\(i)@example.com",
                     "displayName":"HA \(i)","emails":[{"value":"ha-\(i)@example.com","type":"work"}]}
                    """)
                latencies.append((ContinuousClock.now - start).seconds * 1_000)
                guard response.status == 201 else {
                    throw BenchError("create on replica r\(replica + 1) answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
                }
            }
        }
        let after = try await lastSequence(js)
        try await pollUntil("every replica to apply up to \(after)", timeout: .seconds(60), interval: .milliseconds(20)) {
            watchers.allSatisfy { $0.sequence >= after }
        }
        let cpuReplicas = try cpu(replicaPIDs) - cpuBefore.replicas
        let cpuNodes = try cpu(nodePIDs) - cpuBefore.nodes
        let cpuClient = CalloutBench.processCPUSeconds() - cpuBefore.client
        let perCreate = (cpuReplicas + cpuNodes + cpuClient) / Double(creates) * 1_000
        let cores = Double(max(1, ProcessInfo.processInfo.activeProcessorCount))
        let label = "R3, \(connections) connections over \(replicas.count) replicas"
        var results = [
            BenchResult(name: "replicated user creates over HTTP, \(label) (\(creates) creates)", value: Double(creates) / elapsed, unit: "creates/s"),
            BenchResult(name: "replicated creates: duration (\(creates) creates)", value: elapsed, unit: "s"),
            BenchResult(name: "replicated create latency (POST → 201) p50", value: CalloutBench.percentile(latencies.sorted, 0.50), unit: "ms"),
            BenchResult(name: "replicated create latency (POST → 201) p99", value: CalloutBench.percentile(latencies.sorted, 0.99), unit: "ms"),
            BenchResult(name: "CPU per replicated create, all processes (3 serve, 3 nats-server, the HTTP client)", value: perCreate, unit: "ms"),
            BenchResult(name: "  of which the 3 serve replicas", value: cpuReplicas / Double(creates) * 1_000, unit: "ms"),
            BenchResult(name: "  of which the 3 nats-servers", value: cpuNodes / Double(creates) * 1_000, unit: "ms"),
            BenchResult(name: "  of which the HTTP client (this bench)", value: cpuClient / Double(creates) * 1_000, unit: "ms"),
            BenchResult(name: "ceiling of this host: \(Int(cores)) cores ÷ CPU per create", value: perCreate > 0 ? cores * 1_000 / perCreate : 0, unit: "creates/s"),
            BenchResult(name: "derived: ceiling with one replica + one node per \(Int(cores))-core host (3 hosts), client elsewhere",
                        value: cpuReplicas + cpuNodes > 0 ? cores * 1_000 / ((cpuReplicas + cpuNodes) / 3 / Double(creates) * 1_000) : 0,
                        unit: "creates/s"),
        ]
        guard after > before else { return results }
        var each: [Double] = [], every: [Double] = []
        for sequence in (before + 1)...after {
            guard let time = try await js.message(stream: stream, sequence: sequence).time, let stored = parseTime(time) else {
                throw BenchError("stream sequence \(sequence) has no store time")
            }
            var slowest = 0.0
            for watcher in watchers {
                guard let applied = watcher.appliedTime(of: sequence) else { throw BenchError("sequence \(sequence) not seen applied") }
                let lag = max(0, applied.timeIntervalSince(stored) * 1_000)
                each.append(lag)
                slowest = max(slowest, lag)
            }
            every.append(slowest)
        }
        each.sort()
        every.sort()
        let count = Int(after - before)
        results += [
            BenchResult(name: "apply lag, store time → each replica's commit, p50 (\(count) sequences × \(watchers.count))", value: CalloutBench.percentile(each, 0.50), unit: "ms"),
            BenchResult(name: "apply lag, store time → each replica's commit, p99", value: CalloutBench.percentile(each, 0.99), unit: "ms"),
            BenchResult(name: "apply lag, store time → every replica's commit, p50 (\(count) sequences)", value: CalloutBench.percentile(every, 0.50), unit: "ms"),
            BenchResult(name: "apply lag, store time → every replica's commit, p99", value: CalloutBench.percentile(every, 0.99), unit: "ms"),
            BenchResult(name: "apply lag, store time → every replica's commit, max", value: every.last ?? 0, unit: "ms"),
        ]
        return results
    }

    static func lastSequence(_ js: JetStreamContext) async throws -> UInt64 {
        try await js.streamInfo(stream).state.lastSequence
    }

    /// RFC 3339 with up to nanoseconds, as nats-server writes a message's time.
    static func parseTime(_ text: String) -> Date? {
        let trimmed = text.hasSuffix("Z") ? String(text.dropLast()) : text
        let parts = trimmed.split(separator: ".", maxSplits: 1)
        guard let base = ISO8601DateFormatter().date(from: "\(parts[0])Z") else { return nil }
        let fraction = parts.count > 1 ? Double("0.\(parts[1])") ?? 0 : 0
        return base.addingTimeInterval(fraction)
    }

    // MARK: Revocation

    static func measureRevocations(replicas: [Replica], count: Int) async throws -> [BenchResult] {
        guard count > 0 else { return [] }
        let ports = replicas.map(\.httpPort), tokens = replicas.map(\.token)
        var configuration = Configuration()
        configuration.readonly = true
        let stores = try replicas.map { try DatabaseQueue(path: $0.storePath, configuration: configuration) }
        let samples = SCIMBench.Samples()
        let early = SCIMBench.Samples()
        // The deactivation's own time: with the revocation barrier it includes waiting for the replicas.
        let patchTimes = SCIMBench.Samples()
        _ = try await SCIMBench.onThreads(1) { _ in
            let clients = try ports.indices.map { try BenchHTTPClient(port: ports[$0], token: tokens[$0]) }
            for i in 0..<count {
                let created = try clients[i % clients.count].request("POST", "/scim/v2/Users", body: """
                    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"revoke-\(i)@example.com"}
                    """)
                guard created.status == 201, let id = userID(created.body) else { throw BenchError("create answered \(created.status)") }
                // Sent to the next replica: the writer is never the one that created the user.
                let sent = ContinuousClock.now
                let patched = try clients[(i + 1) % clients.count].request("PATCH", "/scim/v2/Users/\(id)", body: """
                    {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}
                    """)
                let answered = Date()
                patchTimes.append((ContinuousClock.now - sent).seconds * 1_000)
                guard (200..<300).contains(patched.status) else { throw BenchError("deactivation answered \(patched.status)") }
                var first = true
                let deadline = answered.addingTimeInterval(10)
                while true {
                    let inactive = try stores.allSatisfy { store in
                        try store.read { db in try Int.fetchOne(db, sql: "SELECT active FROM users WHERE id = ?", arguments: [id]) } == 0
                    }
                    if inactive { break }
                    first = false
                    guard Date() < deadline else { throw BenchError("user \(id) still active on a replica 10 s after the 2xx") }
                    usleep(200)
                }
                samples.append(first ? 0 : Date().timeIntervalSince(answered) * 1_000)
                if first { early.append(1) }
            }
        }
        let latencies = samples.sorted
        return [
            BenchResult(name: "deactivation PATCH → 2xx p50 (\(count) deactivations)", value: CalloutBench.percentile(patchTimes.sorted, 0.50), unit: "ms"),
            BenchResult(name: "deactivation PATCH → 2xx p99", value: CalloutBench.percentile(patchTimes.sorted, 0.99), unit: "ms"),
            BenchResult(name: "deactivation 2xx → inactive on every replica's store, p50 (\(count) deactivations)", value: CalloutBench.percentile(latencies, 0.50), unit: "ms"),
            BenchResult(name: "deactivation 2xx → inactive on every replica's store, p99", value: CalloutBench.percentile(latencies, 0.99), unit: "ms"),
            BenchResult(name: "deactivations already on every replica at the 2xx", value: Double(early.sorted.count), unit: "count"),
        ]
    }

    // MARK: Live sessions cut

    /// Deactivation → live session closed, one user at a time: the session on node `i % 3`, the
    /// `PATCH` to the replica after the one that created it.
    static func measureSessionCuts(replicas: [Replica], urls: [String], count: Int) async throws -> [BenchResult] {
        guard count > 0 else { return [] }
        let ports = replicas.map(\.httpPort), tokens = replicas.map(\.token)
        let ids = NIOLockedValueBox<[String]>([])
        _ = try await SCIMBench.onThreads(1) { _ in
            let client = try BenchHTTPClient(port: ports[0], token: tokens[0])
            for i in 0..<count {
                let response = try client.request("POST", "/scim/v2/Users", body: """
                    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"cut\(i)","password":"bench-password"}
                    """)
                guard response.status == 201, let id = userID(response.body) else { throw BenchError("create cut\(i) answered \(response.status)") }
                ids.withLockedValue { $0.append(id) }
            }
            let members = ids.withLockedValue { $0 }.map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
            let group = try client.request("POST", "/scim/v2/Groups", body: """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"sessions","members":[\(members)]}
                """)
            guard group.status == 201 else { throw BenchError("group create answered \(group.status)") }
        }
        let samples = SCIMBench.Samples()
        for (i, id) in ids.withLockedValue({ $0 }).enumerated() {
            var configuration = NATSConfiguration(servers: [urls[i % urls.count]], connectTimeout: .seconds(10))
            configuration.authentication = .userPassword(user: "cut\(i)", password: "bench-password")
            configuration.reconnect = .disabled
            // The group reaches the other replicas through the stream after the first one's 201;
            // one that has not applied it yet denies (no_binding): connect until allowed.
            let allowed = configuration
            let session = try await poll("cut\(i) allowed", interval: .milliseconds(20)) {
                try? await NATSConnection.connect(allowed, logger: logger)
            }
            let port = ports[(i + 1) % ports.count], token = tokens[(i + 1) % tokens.count]
            let sent = ContinuousClock.now
            async let patched = SCIMBench.onThreads(1) { _ in
                let response = try BenchHTTPClient(port: port, token: token).request("PATCH", "/scim/v2/Users/\(id)", body: """
                    {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}
                    """)
                guard (200..<300).contains(response.status) else { throw BenchError("deactivation answered \(response.status)") }
            }
            // Polled every millisecond: the figure is up to 1 ms late.
            while !session.isClosed {
                guard ContinuousClock.now - sent < .seconds(10) else {
                    await session.close()
                    throw BenchError("cut\(i)'s session still open 10 s after its deactivation was sent")
                }
                try await Task.sleep(for: .milliseconds(1))
            }
            samples.append((ContinuousClock.now - sent).seconds * 1_000)
            _ = try await patched
            await session.close()
        }
        let cuts = samples.sorted
        let label = "session cut: deactivation PATCH sent → the client's connection closed"
        return [
            BenchResult(name: "\(label), p50 (\(count) sessions over 3 nats-servers)", value: CalloutBench.percentile(cuts, 0.50), unit: "ms"),
            BenchResult(name: "\(label), p99", value: CalloutBench.percentile(cuts, 0.99), unit: "ms"),
            BenchResult(name: "\(label), max", value: cuts.last ?? 0, unit: "ms"),
        ]
    }

    /// The `id` of a SCIM resource in a response body.
    static func userID(_ body: [UInt8]) -> String? {
        struct Resource: Decodable { var id: String }
        return try? JSONDecoder().decode(Resource.self, from: Data(body)).id
    }

    // MARK: Failover

    static func measureFailover(replicas: [Replica], cluster: NATSCluster, rate: Int, seconds: Int) async throws -> [BenchResult] {
        let users = 20
        // Users with a password in the policy's group, created through the replicas.
        let port = replicas[0].httpPort, token = replicas[0].token
        _ = try await SCIMBench.onThreads(1) { _ in
            let client = try BenchHTTPClient(port: port, token: token)
            var ids: [String] = []
            for i in 0..<users {
                let response = try client.request("POST", "/scim/v2/Users", body: """
                    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"fo\(i)","password":"bench-password"}
                    """)
                guard response.status == 201, let id = userID(response.body) else { throw BenchError("create fo\(i) answered \(response.status)") }
                ids.append(id)
            }
            let members = ids.map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
            let group = try client.request("POST", "/scim/v2/Groups", body: """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"developers","members":[\(members)]}
                """)
            guard group.status == 201 else { throw BenchError("group create answered \(group.status)") }
        }
        // Warm-up: each user through each replica's credential cache (argon2id once per replica).
        let warm = try await FailoverLoad.run(urls: cluster.urls, userPrefix: "fo", users: users, rate: rate, seconds: 4)
        guard warm.contains(where: \.ok) else { throw BenchError("no connect succeeded through the cluster's callout") }

        let killAfter = Double(seconds) / 3
        let victim = replicas[replicas.count - 1]
        async let attempts = FailoverLoad.run(urls: cluster.urls, userPrefix: "fo", users: users, rate: rate, seconds: seconds)
        // A schedule, not a wait for readiness: the replica dies at a fixed moment of the load.
        try await Task.sleep(for: .milliseconds(Int(killAfter * 1_000)))
        // Proof the victim was answering callouts (in the queue group) when it died.
        let victimDecisions = victim.process.output.split(separator: "\n").count { $0.contains(#""msg":"decision""#) }
        let killed = Date()
        kill(victim.process.pid, SIGKILL)
        let all = try await attempts
        let before = all.filter { $0.start < killed.timeIntervalSince1970 }.map(\.ms).sorted()
        let beforeP99 = CalloutBench.percentile(before, 0.99)
        let threshold = max(100, 2 * beforeP99)
        let afterKill = all.filter { $0.start + $0.ms / 1_000 >= killed.timeIntervalSince1970 }
        let affected = afterKill.filter { !$0.ok || $0.ms > threshold }
        let gap = affected.map { $0.start + $0.ms / 1_000 - killed.timeIntervalSince1970 }.max().map { max(0, $0) * 1_000 } ?? 0
        let label = "failover, \(rate) connects/s over 3 nats-servers, kill -9 of 1 of 3 replicas"
        return [
            BenchResult(name: "\(label): connect attempts (\(seconds) s)", value: Double(all.count), unit: "count"),
            BenchResult(name: "\(label): connect latency p50 before the kill", value: CalloutBench.percentile(before, 0.50), unit: "ms"),
            BenchResult(name: "\(label): connect latency p99 before the kill", value: beforeP99, unit: "ms"),
            BenchResult(name: "\(label): failed connects after the kill", value: Double(afterKill.count { !$0.ok }), unit: "count"),
            BenchResult(name: "\(label): delayed connects after the kill (> \(Int(threshold)) ms)", value: Double(afterKill.count { $0.ok && $0.ms > threshold }), unit: "count"),
            BenchResult(name: "\(label): longest affected connect", value: affected.map(\.ms).max() ?? 0, unit: "ms"),
            BenchResult(name: "\(label): gap (kill → end of the last affected connect)", value: gap, unit: "ms"),
            BenchResult(name: "\(label): callouts the killed replica had decided (its log, warm-up included)",
                        value: Double(victimDecisions), unit: "count"),
            BenchResult(name: "\(label): failed connects before the kill", value: Double(all.count { !$0.ok && $0.start < killed.timeIntervalSince1970 }), unit: "count"),
        ]
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IdentityStore
import Logging
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Replicas of the real `scim-callout serve` (the debug build) with `replication.enabled`, each
/// on its own data folder, against a real 3-node JetStream cluster (``NATSCluster``) running
/// `init`'s nats-server.conf with JetStream enabled for AUTH: what docs/high-availability.md
/// describes, so a chaos test can kill -9 a replica or a node and look at every replica's store.
final class ReplicatedInstallation: @unchecked Sendable {
    /// One replica: its folder (keys and config copied from the shared `init`), its SCIM token.
    final class Replica: @unchecked Sendable {
        let id: String
        let directory: URL
        let scimToken: String
        fileprivate(set) var serve: ManagedProcess?
        fileprivate(set) var httpPort = 0
        fileprivate var starts = 0

        init(id: String, directory: URL, scimToken: String) {
            self.id = id
            self.directory = directory
            self.scimToken = scimToken
        }

        var storePath: String { directory.appendingPathComponent("scim-callout.sqlite").path }
        var baseURL: String { "http://127.0.0.1:\(httpPort)" }
        var isRunning: Bool { serve?.isRunning ?? false }
        /// What the current (or last) `serve` wrote.
        var log: String { serve?.output ?? "(\(id) not running)" }
        /// A SCIM client as the IdP would use against this replica.
        var client: SCIMClient { SCIMClient(baseURL: baseURL, token: scimToken) }
    }

    static let stream = "SCIM_CALLOUT"
    static let logger = Logger(label: "replicated-installation", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The folder `init` wrote (keys, config, nats-server.conf); each replica has a copy.
    let keys: URL
    let cluster: NATSCluster
    let replicas: [Replica]
    private let root: URL

    /// `init`, the cluster, and `count` replica folders with a SCIM token each (not started).
    static func create(label: String, replicas count: Int = 3) async throws -> ReplicatedInstallation {
        let root = try TestEnvironment.temporaryDirectory(label)
        let keys = root.appendingPathComponent("keys")
        try await ServedInstallation.cli(["init", "--data-dir", keys.path, "--keep-existing"])
        let conf = try String(contentsOf: keys.appendingPathComponent("nats-server.conf"), encoding: .utf8)
        let cluster = try await NATSCluster.start(config: NATSCluster.body(fromInitConfiguration: conf), label: "\(label)-nats")
        var replicas: [Replica] = []
        for index in 1...count {
            let directory = root.appendingPathComponent("r\(index)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for file in ["config.yaml", "policy.yaml", "issuer.nk", "xkey.nk", "service.nk", "sys.nk"] {
                try FileManager.default.copyItem(at: keys.appendingPathComponent(file),
                                                 to: directory.appendingPathComponent(file))
            }
            let token = try await ServedInstallation.cli(["tokens", "issue", "--data-dir", directory.path, "--scim",
                                                          "--name", "chaos", "--quiet"])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            replicas.append(Replica(id: "r\(index)", directory: directory, scimToken: token))
        }
        return ReplicatedInstallation(root: root, keys: keys, cluster: cluster, replicas: replicas)
    }

    private init(root: URL, keys: URL, cluster: NATSCluster, replicas: [Replica]) {
        self.root = root
        self.keys = keys
        self.cluster = cluster
        self.replicas = replicas
    }

    /// Starts every replica and waits until each one's `/readyz` answers 200.
    func startAll() async throws {
        for index in replicas.indices { try await start(replica: index) }
    }

    /// Starts replica `index`, again while it exits: right after the meta leader is elected
    /// the R3 stream may not be placeable yet ("peer offline"), and `serve` exits on that.
    func startOnceTheStreamIsPlaceable(replica index: Int) async throws {
        try await pollUntil("\(replicas[index].id) started with its stream", timeout: .seconds(60), interval: .milliseconds(200)) {
            do {
                try await start(replica: index)
                return true
            } catch {
                return false
            }
        }
    }

    /// Starts replica `index` on a fresh HTTP port and returns once its `/readyz` answers 200.
    func start(replica index: Int, timeout: Duration = .seconds(45)) async throws {
        let replica = replicas[index]
        precondition(!replica.isRunning, "\(replica.id) is already running")
        replica.starts += 1
        let port = freeLoopbackPort()
        let process = try ManagedProcess(
            executable: ServedInstallation.binary, arguments: ["serve", "--data-dir", replica.directory.path],
            environment: ServedInstallation.environment([
                "SCIM_CALLOUT_HTTP_LISTEN": "127.0.0.1:\(port)",
                "SCIM_CALLOUT_NATS_URLS": cluster.urls.joined(separator: ","),
                "SCIM_CALLOUT_REPLICATION_ENABLED": "true",
                "SCIM_CALLOUT_REPLICATION_REPLICA_ID": replica.id,
            ]),
            logURL: replica.directory.appendingPathComponent("serve-\(replica.starts).log"))
        replica.serve = process
        replica.httpPort = port
        try await pollUntil("\(replica.id) ready on \(port)", timeout: timeout, interval: .milliseconds(50)) {
            guard process.isRunning else {
                throw TestSupportError.processFailed(command: "scim-callout serve (\(replica.id))", status: -1,
                                                     output: process.output)
            }
            return await Self.status(of: "\(replica.baseURL)/readyz") == 200
        }
    }

    /// `kill -9` replica `index` and wait until the process is gone.
    func kill9(replica index: Int) async throws {
        guard let serve = replicas[index].serve else { return }
        _ = try await serve.stop(signal: SIGKILL)
    }

    /// SIGTERM replica `index`; its exit status.
    @discardableResult
    func stop(replica index: Int) async throws -> Int32? {
        guard let serve = replicas[index].serve, serve.isRunning else { return nil }
        return try await serve.stop(signal: SIGTERM)
    }

    /// The replicas that run now.
    var running: [Int] { replicas.indices.filter { replicas[$0].isRunning } }

    /// The identity digest (``IdentityDatabase/identityDigest()``) of replica `index`'s store,
    /// read while `serve` may hold the file (WAL readers do not block it).
    func identityDigest(replica index: Int) async throws -> String {
        let store = try IdentityDatabase.open(path: replicas[index].storePath, logger: Self.logger)
        return try await store.identityDigest()
    }

    /// Waits until the running replicas (or `indices`) have the same identity digest; returns it.
    @discardableResult
    func waitForConvergence(_ indices: [Int]? = nil, timeout: Duration = .seconds(30)) async throws -> String {
        let indices = indices ?? running
        return try await poll("replicas \(indices.map { replicas[$0].id }) to converge", timeout: timeout,
                              interval: .milliseconds(100)) {
            var digests: Set<String> = []
            for index in indices { digests.insert(try await self.identityDigest(replica: index)) }
            return digests.count == 1 ? digests.first : nil
        }
    }

    /// Every replica's log, for failure messages.
    var logs: String {
        replicas.map { "--- \($0.id):\n\($0.log.suffix(3_000))" }.joined(separator: "\n")
    }

    /// The HTTP status of a GET (0 when nothing answers).
    static func status(of url: String) async -> Int {
        guard let url = URL(string: url), let (_, response) = try? await URLSession.shared.data(from: url) else { return 0 }
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// Stops every replica and node and removes the folders (`CRASH_SAFETY_KEEP=1` keeps them).
    func tearDown() async {
        for index in replicas.indices { _ = try? await stop(replica: index) }
        try? await cluster.stop()
        if ProcessInfo.processInfo.environment["CRASH_SAFETY_KEEP"] == nil { try? FileManager.default.removeItem(at: root) }
    }
}

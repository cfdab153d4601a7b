import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Three real `nats-server` processes with JetStream, clustered over routes on loopback.
///
/// Each node has its own client, cluster and monitoring port and its own store directory, all
/// fixed at start so `restart(node:)` brings a node back exactly where it was (same ports, same
/// JetStream store), as an operator's restart would. The servers are named `n1`…`n3`; node
/// indices are 0-based.
public final class NATSCluster: @unchecked Sendable {
    /// One server of the cluster.
    public struct Node: Sendable {
        /// `n1`, `n2`, `n3`: the JetStream peer name.
        public var name: String
        public var clientPort: Int
        public var clusterPort: Int
        public var monitoringPort: Int
        public var directory: URL
        /// `nats://127.0.0.1:<clientPort>`
        public var url: String { "nats://127.0.0.1:\(clientPort)" }
    }

    /// The cluster's name (`cluster.name`).
    public let name: String
    public let nodes: [Node]
    private let body: String
    private let lock = NSLock()
    private var processes: [ManagedProcess?]
    private var launches = 0

    /// Every node's client URL, for clients that should fail over between them.
    public var urls: [String] { nodes.map(\.url) }

    /// Starts three nodes with `config` (accounts, authorization; no `listen`, `jetstream` or
    /// `cluster`) and returns once every node is healthy and a JetStream meta leader is elected.
    /// Accounts that use JetStream must say `jetstream: enabled` in `config`.
    public static func start(config: String = "", label: String = "cluster",
                             timeout: Duration = .seconds(30)) async throws -> NATSCluster {
        // Ports are chosen up front because each node's routes name the others; a port taken in
        // the meantime fails that attempt, so try a fresh set once more.
        var lastError: (any Error)?
        for _ in 0..<2 {
            let cluster = try NATSCluster(body: config, label: label)
            do {
                try cluster.launchAll()
                try await cluster.waitUntilReady(timeout: timeout)
                return cluster
            } catch {
                lastError = error
                try? await cluster.stop()
            }
        }
        throw lastError ?? TestSupportError.processFailed(command: "nats-server cluster", status: -1, output: "")
    }

    private init(body: String, label: String) throws {
        let root = try TestEnvironment.temporaryDirectory(label)
        self.name = "scim-\(UUID().uuidString.prefix(6).lowercased())"
        self.body = body
        self.nodes = try (1...3).map { index in
            let directory = root.appendingPathComponent("n\(index)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return Node(name: "n\(index)", clientPort: freeLoopbackPort(), clusterPort: freeLoopbackPort(),
                        monitoringPort: freeLoopbackPort(), directory: directory)
        }
        self.processes = Array(repeating: nil, count: 3)
    }

    private func configuration(of node: Node) -> String {
        let routes = nodes.map { "nats-route://127.0.0.1:\($0.clusterPort)" }.joined(separator: ", ")
        return """
            server_name: \(node.name)
            listen: 127.0.0.1:\(node.clientPort)
            http: 127.0.0.1:\(node.monitoringPort)
            jetstream { store_dir: "\(node.directory.appendingPathComponent("jetstream").path)" }
            cluster {
              name: \(name)
              listen: 127.0.0.1:\(node.clusterPort)
              routes: [ \(routes) ]
            }
            \(body)
            """
    }

    private func launchAll() throws {
        for index in nodes.indices { try launch(index) }
    }

    private func launch(_ index: Int) throws {
        let node = nodes[index]
        let configURL = node.directory.appendingPathComponent("server.conf")
        try Data(configuration(of: node).utf8).write(to: configURL)
        let binary = try TestEnvironment.tool("nats-server")
        let process = try lock.withLock {
            launches += 1
            let log = node.directory.appendingPathComponent("nats-server-\(launches).log")
            return try ManagedProcess(executable: binary, arguments: ["-c", configURL.path], logURL: log)
        }
        lock.withLock { processes[index] = process }
    }

    private func process(_ index: Int) -> ManagedProcess? { lock.withLock { processes[index] } }

    /// True while node `index`'s process runs.
    public func isRunning(node index: Int) -> Bool { process(index)?.isRunning ?? false }

    /// The PID of node `index` (nil when it is down).
    public func pid(node index: Int) -> Int32? { process(index).flatMap { $0.isRunning ? $0.pid : nil } }

    /// What node `index`'s current (or last) process wrote.
    public func log(node index: Int) -> String { process(index)?.output ?? "(node \(index) never started)" }

    /// The nodes that run now.
    public var runningNodes: [Int] { nodes.indices.filter { isRunning(node: $0) } }

    /// Waits until every running node is healthy (`/healthz`: JetStream current) and they agree
    /// on a JetStream meta leader that is itself running.
    public func waitUntilReady(timeout: Duration = .seconds(30)) async throws {
        try await pollUntil("cluster \(name): healthy nodes and a JetStream meta leader", timeout: timeout,
                            interval: .milliseconds(50)) {
            let running = self.runningNodes
            for index in self.nodes.indices where !running.contains(index) {
                let crashed = self.lock.withLock { self.processes[index] != nil && !self.expectedDown.contains(index) }
                if crashed {
                    throw TestSupportError.processFailed(command: "nats-server \(self.nodes[index].name)", status: -1,
                                                         output: self.log(node: index))
                }
            }
            var leaders: Set<String> = []
            for index in running {
                guard await self.healthz(node: index) == 200,
                      let jsz = try? await self.monitor(JSZ.self, node: index, path: "jsz"),
                      let leader = jsz.meta?.leader, !leader.isEmpty
                else { return false }
                leaders.insert(leader)
            }
            guard leaders.count == 1, let leader = leaders.first else { return false }
            return running.contains { self.nodes[$0].name == leader }
        }
    }

    /// Nodes killed or stopped on purpose (a readiness wait does not treat them as crashed).
    private var expectedDown: Set<Int> = []

    /// `kill -9` node `index` and wait until its process is gone. Its store stays for `restart`.
    public func kill9(node index: Int) async throws {
        lock.withLock { _ = expectedDown.insert(index) }
        guard let process = process(index) else { return }
        _ = try await process.stop(signal: SIGKILL)
    }

    /// Stops node `index` cleanly (SIGTERM). Its store stays for `restart`.
    public func stop(node index: Int) async throws {
        lock.withLock { _ = expectedDown.insert(index) }
        guard let process = process(index) else { return }
        _ = try await process.stop(signal: SIGTERM)
    }

    /// Starts node `index` again on its ports and store directory (stopping it first if it
    /// runs) and waits until the whole cluster is ready again, that node included.
    public func restart(node index: Int, timeout: Duration = .seconds(30)) async throws {
        if let process = process(index), process.isRunning { _ = try await process.stop(signal: SIGTERM) }
        try launch(index)
        lock.withLock { _ = expectedDown.remove(index) }
        let port = nodes[index].clientPort
        try await pollUntil("\(nodes[index].name) to accept on \(port)", timeout: timeout) {
            guard self.isRunning(node: index) else {
                throw TestSupportError.processFailed(command: "nats-server \(self.nodes[index].name)", status: -1,
                                                     output: self.log(node: index))
            }
            return canConnect(port: port)
        }
        try await waitUntilReady(timeout: timeout)
    }

    /// The node holding the leader of `stream` (in `account`, `AUTH` by default), as the running
    /// nodes report it; nil while there is no leader (an election is under way).
    public func streamLeader(stream: String, account: String = "AUTH") async throws -> Int? {
        for index in runningNodes {
            guard let jsz = try? await monitor(JSZ.self, node: index,
                                               path: "jsz?accounts=true&streams=true&acc=\(account)"),
                  let detail = jsz.accounts?.first(where: { $0.name == account })?
                    .streams?.first(where: { $0.name == stream }),
                  let leader = detail.cluster?.leader, !leader.isEmpty,
                  let leaderIndex = nodes.firstIndex(where: { $0.name == leader }),
                  isRunning(node: leaderIndex)
            else { continue }
            return leaderIndex
        }
        return nil
    }

    /// Waits for a leader of `stream` on a running node other than `excluding`.
    public func waitForStreamLeader(stream: String, account: String = "AUTH", excluding: Int? = nil,
                                    timeout: Duration = .seconds(30)) async throws -> Int {
        try await poll("a leader of stream \(stream)", timeout: timeout, interval: .milliseconds(50)) {
            guard let leader = try await self.streamLeader(stream: stream, account: account),
                  leader != excluding else { return nil }
            return leader
        }
    }

    /// Stops every node (SIGTERM, then SIGKILL if one lingers).
    public func stop() async throws {
        for index in nodes.indices {
            lock.withLock { _ = expectedDown.insert(index) }
            if let process = process(index) { _ = try await process.stop() }
        }
    }

    /// The status `/healthz` answers on node `index` (0 when nothing answers).
    public func healthz(node index: Int) async -> Int {
        guard let url = URL(string: "http://127.0.0.1:\(nodes[index].monitoringPort)/healthz"),
              let (_, response) = try? await URLSession.shared.data(from: url)
        else { return 0 }
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    private func monitor<T: Decodable>(_ type: T.Type, node index: Int, path: String) async throws -> T {
        guard let url = URL(string: "http://127.0.0.1:\(nodes[index].monitoringPort)/\(path)") else {
            throw URLError(.badURL)
        }
        let (data, _) = try await URLSession.shared.data(from: url)
        return try JSONDecoder().decode(T.self, from: data)
    }

    deinit {
        for process in processes.compactMap({ $0 }) where process.isRunning { kill(process.pid, SIGKILL) }
    }

    /// The parts of nats-server's `/jsz` this helper reads.
    private struct JSZ: Decodable {
        struct Meta: Decodable { var leader: String? }
        struct Account: Decodable {
            var name: String
            var streams: [Stream]?
            enum CodingKeys: String, CodingKey { case name, streams = "stream_detail" }
        }
        struct Stream: Decodable {
            struct Cluster: Decodable { var leader: String? }
            var name: String
            var cluster: Cluster?
        }
        var meta: Meta?
        var accounts: [Account]?
        enum CodingKeys: String, CodingKey { case meta = "meta_cluster", accounts = "account_details" }
    }
}

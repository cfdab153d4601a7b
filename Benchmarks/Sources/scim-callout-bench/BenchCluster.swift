import Foundation
import TestSupport

/// Three real nats-server processes with JetStream, routed to each other on loopback, for the
/// replication benchmark: each with its own store directory, an ephemeral client port and
/// monitoring port, and a route port picked free just before start (nats-server cannot report
/// a route port it chose itself before its peers need it).
///
/// Usage: `let cluster = try await BenchCluster.start(accounts: …)`, then `cluster.urls`,
/// and `try await cluster.stop()` (each server by its PID).
struct BenchCluster {
    let servers: [NATSServerProcess]

    /// Client URLs, in server order.
    var urls: [String] { servers.map(\.url) }

    /// - Parameter accounts: the `accounts`/`authorization` part of every server's configuration.
    static func start(accounts: String, size: Int = 3) async throws -> BenchCluster {
        let routePorts = (0..<size).map { _ in freeLoopbackPort() }
        var servers: [NATSServerProcess] = []
        do {
            for index in 0..<size {
                let routes = routePorts.enumerated().filter { $0.offset != index }
                    .map { "nats-route://127.0.0.1:\($0.element)" }.joined(separator: ", ")
                let server = try await NATSServerProcess.start(config: """
                    server_name: bench-n\(index + 1)
                    cluster {
                      name: scim-callout-bench
                      listen: 127.0.0.1:\(routePorts[index])
                      routes: [ \(routes) ]
                    }
                    \(accounts)
                    """, monitoring: true, jetStream: true, label: "ha-bench-n\(index + 1)")
                servers.append(server)
            }
            let cluster = BenchCluster(servers: servers)
            // JetStream in a cluster answers only once the meta group has a leader: every
            // server's /healthz reports that (200) before replicas may create their stream.
            try await pollUntil("the 3-node JetStream cluster to be healthy", timeout: .seconds(60), interval: .milliseconds(100)) {
                await cluster.isHealthy()
            }
            return cluster
        } catch {
            for server in servers { try? await server.stop() }
            throw error
        }
    }

    func isHealthy() async -> Bool {
        for server in servers {
            guard let port = server.monitoringPort,
                  await ServedCalloutBench.isReady("http://127.0.0.1:\(port)/healthz") else { return false }
        }
        return true
    }

    func stop() async {
        for server in servers { try? await server.stop() }
    }
}

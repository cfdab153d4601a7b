import Foundation
import NATSClient
import NKeys
import Testing
import TestSupport

/// The revocation bound with the real `serve` (two replicas, a real 3-node JetStream cluster):
/// after a deactivation's 2xx no replica allows the user, and replicas cut off from the stream
/// (two of three nodes stopped: no stream leader) stop answering within
/// `replication.max_staleness` (2 s) and rejoin after recovery.
///
/// A replica whose one node stops is not cut off: the client reconnects to a node it learned
/// from `connect_urls` and keeps proving currency, so losing the quorum is what cuts it off.
@Suite("Replicated revocation with serve", .serialized, .timeLimit(.minutes(5)))
struct ReplicatedRevocationTests {
    @Test func deactivationHoldsOnTheOtherReplicaAndACutOffReplicaFailsClosed() async throws {
        let installation = try await ReplicatedInstallation.create(label: "revocation", replicas: 2)
        do {
            let cluster = installation.cluster
            try await installation.startOnceTheStreamIsPlaceable(replica: 0)
            try await installation.start(replica: 1)
            let seeds = try await ReplicationChaosTests.provisionConnectUsers(installation, allowed: 2, outsiders: 0)
            try await installation.waitForConvergence()
            let through = cluster.nodes[0].url
            #expect(try await PythonClient.run(through, ["nkey_seed": seeds.allowed[0]]).connected, "\(installation.logs)")

            // Cut both off the stream: with one node of three the stream loses its leader (the
            // old one steps down once it notices the lost quorum, nats-server's timing, not ours);
            // from the first unanswered probe on, each replica leaves within max staleness.
            try await cluster.stop(node: 1)
            try await cluster.stop(node: 2)
            for replica in installation.replicas {
                try await pollUntil("\(replica.id) not ready once cut off", timeout: .seconds(60), interval: .milliseconds(50)) {
                    await ReplicatedInstallation.status(of: "\(replica.baseURL)/readyz") != 200
                }
            }
            // Nobody may decide from a state that may be old: the connect is refused.
            #expect(!(try await PythonClient.run(through, ["nkey_seed": seeds.allowed[0]]).connected), "\(installation.logs)")

            // Back: both catch up and rejoin.
            try await cluster.restart(node: 1)
            try await cluster.restart(node: 2)
            for replica in installation.replicas {
                try await pollUntil("\(replica.id) ready again", timeout: .seconds(30), interval: .milliseconds(100)) {
                    await ReplicatedInstallation.status(of: "\(replica.baseURL)/readyz") == 200
                }
            }
            #expect(try await PythonClient.run(through, ["nkey_seed": seeds.allowed[0]]).connected, "\(installation.logs)")

            // Deactivate on r1; after the 2xx, r1 goes away so only r2 can answer: denied.
            let users = try await installation.replicas[0].client.allUsers()
            let target = try #require(users.first { $0.userName == "allowed-0" })
            _ = try await installation.replicas[0].client.deactivate(target.id)
            try await installation.stop(replica: 0)
            #expect(!(try await PythonClient.run(through, ["nkey_seed": seeds.allowed[0]]).connected),
                    "r2 allowed a user deactivated before: \(installation.logs)")
            // r2 does answer: the other user still gets in.
            #expect(try await PythonClient.run(through, ["nkey_seed": seeds.allowed[1]]).connected, "\(installation.logs)")
        } catch {
            await installation.tearDown()
            throw error
        }
        await installation.tearDown()
    }

    /// Each revocation is cut once, by the replica that accepted it: a live session of a user
    /// deactivated on r1 is kicked and only r1 records a `revoke`; the same
    /// on r2 for another user. r2's own revoke also proves it has read past r1's change.
    @Test func liveSessionsAreCutOnceByTheWritingReplica() async throws {
        let installation = try await ReplicatedInstallation.create(label: "cut-once", replicas: 2)
        var sessions: [NATSConnection] = []
        do {
            try await installation.startOnceTheStreamIsPlaceable(replica: 0)
            try await installation.start(replica: 1)
            let seeds = try await ReplicationChaosTests.provisionConnectUsers(installation, allowed: 2, outsiders: 0)
            try await installation.waitForConvergence()
            for seed in seeds.allowed {
                let key = try KeyPair(seed: seed)
                sessions.append(try await NATSConnection.connect(
                    NATSConfiguration(servers: [installation.cluster.nodes[0].url],
                                      authentication: .nkey(publicKey: key.publicKey, signNonce: { key.signature(for: $0) }),
                                      reconnect: .disabled),
                    logger: ReplicatedInstallation.logger))
            }
            let users = try await installation.replicas[0].client.allUsers()
            for (index, userName) in ["allowed-0", "allowed-1"].enumerated() {
                let user = try #require(users.first { $0.userName == userName })
                let session = sessions[index]
                // How fast is make bench's figure ("session cut", docs/benchmarks.md); here: cut at all.
                _ = try await installation.replicas[index].client.deactivate(user.id)
                try await pollUntil("\(userName)'s session cut", timeout: .seconds(10), interval: .milliseconds(10)) {
                    session.isClosed
                }
            }
            // Each replica's decision log: exactly its own revocation.
            for (index, userName) in ["allowed-0", "allowed-1"].enumerated() {
                let replica = installation.replicas[index]
                let rows = try await poll("\(replica.id)'s revoke row", timeout: .seconds(10), interval: .milliseconds(100)) {
                    let output = try await ServedInstallation.cli(["decisions", "--data-dir", replica.directory.path,
                                                                   "--result", "revoke", "--json"])
                    let lines = output.split(separator: "\n").filter { !$0.isEmpty }
                    return lines.isEmpty ? nil : lines
                }
                #expect(rows.count == 1 && rows[0].contains(userName), "\(replica.id): \(rows)")
            }
        } catch {
            for session in sessions { await session.close() }
            await installation.tearDown()
            throw error
        }
        for session in sessions { await session.close() }
        await installation.tearDown()
    }
}

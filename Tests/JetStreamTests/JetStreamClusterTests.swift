import Foundation
import JetStream
import Logging
import NATSClient
import NIOCore
import NKeys
import Testing
import TestSupport

/// Our JetStream client against three real clustered nats-servers running the callout tests'
/// authorization (the AUTH service user, which bypasses the callout, with JetStream enabled).
@Suite("JetStream on a 3-node cluster", .serialized)
struct JetStreamClusterTests {
    static let logger = Logger(label: "jetstream-cluster", factory: { _ in SwiftLogNoOpLogHandler() })

    struct Environment {
        let cluster: NATSCluster
        let serviceUser: KeyPair
        let nats: NATSConnection
        let js: JetStreamContext

        static func start() async throws -> Environment {
            let issuer = try KeyPair.generate(.account)
            let serviceUser = try KeyPair.generate(.user)
            let config = CalloutServerConfiguration(issuerPublicKey: issuer.publicKey,
                                                    serviceUserPublicKey: serviceUser.publicKey, jetStream: true)
            let cluster = try await NATSCluster.start(config: config.body, label: "js-cluster")
            var configuration = NATSConfiguration(
                servers: cluster.urls,
                authentication: .nkey(publicKey: serviceUser.publicKey, signNonce: { serviceUser.signature(for: $0) }),
                connectTimeout: .seconds(5))
            configuration.reconnect.baseWait = .milliseconds(50)
            configuration.reconnect.maxWait = .milliseconds(250)
            let nats = try await NATSConnection.connect(configuration, logger: logger)
            return Environment(cluster: cluster, serviceUser: serviceUser, nats: nats,
                               js: JetStreamContext(connection: nats, timeout: .seconds(2)))
        }

        func stop() async throws {
            await nats.close()
            try await cluster.stop()
        }
    }

    static let stream = StreamConfig(name: "CHANGES", subjects: ["changes.>"], storage: .file, replicas: 3,
                                     duplicateWindow: .seconds(120))

    @Test func anR3FileStreamHasALeaderAndTwoFollowers() async throws {
        let env = try await Environment.start()
        let info = try await env.js.createStream(Self.stream)
        #expect(info.config.replicas == 3)
        #expect(info.config.storage == .file)
        let leader = try await env.cluster.waitForStreamLeader(stream: "CHANGES")
        #expect(info.leader == nil || info.leader == env.cluster.nodes[leader].name)
        let ack = try await env.js.publish(ByteBuffer(string: "one"), to: "changes.a")
        #expect(ack.stream == "CHANGES" && ack.sequence == 1)
        try await env.stop()
    }

    /// kill -9 of the stream leader's server: publishes pause while a new leader is elected and
    /// then continue; every sequence acknowledged before, during or after is readable afterwards.
    @Test func ackedPublishesContinueAfterTheStreamLeaderIsKilled() async throws {
        let env = try await Environment.start()
        _ = try await env.js.createStream(Self.stream)
        let leader = try await env.cluster.waitForStreamLeader(stream: "CHANGES")
        var acked: [UInt64: String] = [:]
        func publish(_ i: Int) async throws {
            let body = "event-\(i)"
            let ack = try await env.js.publish(ByteBuffer(string: body), to: "changes.\(i % 7)",
                                               options: PublishOptions(messageID: "msg-\(i)"),
                                               retry: .init(deadline: .seconds(20)))
            #expect(acked[ack.sequence] == nil || acked[ack.sequence] == body, "seq \(ack.sequence) acked twice")
            acked[ack.sequence] = body
        }
        for i in 1...40 { try await publish(i) }
        try await env.cluster.kill9(node: leader)
        for i in 41...80 { try await publish(i) }
        let newLeader = try await env.cluster.waitForStreamLeader(stream: "CHANGES", excluding: leader)
        #expect(newLeader != leader)
        #expect(Set(acked.values).count == 80, "every publish acked once")
        for (sequence, body) in acked.sorted(by: { $0.key < $1.key }) {
            let stored = try await Self.afterFailover("read of sequence \(sequence)") {
                try await env.js.message(stream: "CHANGES", sequence: sequence)
            }
            #expect(String(decoding: stored.data, as: UTF8.self) == body)
        }
        // The killed node comes back on its ports and store and catches up.
        try await env.cluster.restart(node: leader)
        let info = try await Self.afterFailover("stream info") { try await env.js.streamInfo("CHANGES") }
        #expect(info.state.messages == 80)
        try await env.stop()
    }

    /// Runs a read the way a client does after a failover: again while the cluster answers that
    /// JetStream is temporarily unavailable (503, err_code 10008) or nobody answers yet. A new
    /// stream leader can be known before the meta layer serves every request. A read repeats
    /// safely, so it retries what a publish carrying a message ID retries.
    static func afterFailover<T: Sendable>(_ what: String, _ read: @Sendable () async throws -> T) async throws -> T {
        try await poll(what, timeout: .seconds(20), interval: .milliseconds(50)) {
            do {
                return try await read()
            } catch let error as JetStreamError where PublishRetry.isRetryable(error, hasMessageID: true) {
                return nil
            }
        }
    }

    /// nats-py, connected to another node, reads what we wrote and writes to the same stream.
    @Test func natsPyReadsAndWritesTheSameReplicatedStream() async throws {
        let env = try await Environment.start()
        _ = try await env.js.createStream(Self.stream)
        for i in 1...3 {
            _ = try await env.js.publish(ByteBuffer(string: "swift-\(i)"), to: "changes.swift",
                                         options: PublishOptions(messageID: "swift-\(i)"))
        }
        let result = try await runPython("""
            import asyncio, os, sys, nats
            async def main():
                nc = await nats.connect(sys.argv[1], nkeys_seed_str=os.environ["JS_SEED"])
                js = nc.jetstream()
                info = await js.stream_info("CHANGES")
                print(info.config.num_replicas)
                sub = await js.subscribe("changes.>", ordered_consumer=True)
                for _ in range(3):
                    msg = await sub.next_msg(timeout=10)
                    print(msg.metadata.sequence.stream, msg.data.decode())
                for i in range(1, 3):
                    ack = await js.publish("changes.python", f"python-{i}".encode())
                    print(ack.seq)
                await nc.close()
            asyncio.run(main())
            """, arguments: [env.cluster.nodes[2].url], environment: ["JS_SEED": env.serviceUser.encodedSeed()])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n") == ["3", "1 swift-1", "2 swift-2", "3 swift-3", "4", "5"])
        let fifth = try await env.js.message(stream: "CHANGES", sequence: 5)
        #expect(String(decoding: fifth.data, as: UTF8.self) == "python-2")
        try await env.stop()
    }
}

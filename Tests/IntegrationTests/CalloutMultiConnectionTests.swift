import AuthCallout
import Foundation
import IdentityStore
import NATSClient
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NKeys
import Testing
import TestSupport

/// The directory, noting on which of `loops` each store read and argon2id check ran (-1: on
/// none of them), so a test can see where decisions happen without a hook in the service.
final class LoopRecordingDirectory: IdentityReading, Sendable {
    let base: any CalloutDirectory
    let loops: [any EventLoop]
    private let seen = NIOLockedValueBox<(lookups: [Int], checks: [Int])>(([], []))

    init(_ base: any CalloutDirectory, loops: [any EventLoop]) {
        self.base = base
        self.loops = loops
    }

    /// The loop index of each store read (nkey, token and user name lookups).
    var lookupLoops: [Int] { seen.withLockedValue { $0.lookups } }
    /// The loop index of each argon2id check.
    var checkLoops: [Int] { seen.withLockedValue { $0.checks } }

    private var currentLoop: Int { loops.firstIndex { $0.inEventLoop } ?? -1 }
    private func lookup<T>(_ read: () throws -> T) rethrows -> T {
        let loop = currentLoop
        seen.withLockedValue { $0.lookups.append(loop) }
        return try read()
    }

    func identity(for key: CredentialKey, asOf: DispatchTime?) throws -> Identity? {
        if case .id = key { return try base.identity(for: key, asOf: asOf) }
        return try lookup { try base.identity(for: key, asOf: asOf) }
    }
    func verifyPassword(_ password: String, hash: String) -> Bool {
        let loop = currentLoop
        seen.withLockedValue { $0.checks.append(loop) }
        return base.verifyPassword(password, hash: hash)
    }
    var decoyPasswordHash: String? { base.decoyPasswordHash }
}

/// `CalloutService(connections:)` with two connections in one queue group, deciding on the event
/// loop (an `Authorizer`-backed handler), against a real nats-server and real nats-py clients.
@Suite("Auth callout over several connections", .timeLimit(.minutes(3)))
struct CalloutMultiConnectionTests {
    /// Connects every client of `spec.clients` at once, round-trips a message on its own
    /// subject, and reports one JSON line: per client, whether it connected and round-tripped.
    static let burstScript = """
        import asyncio, json, sys, nats
        async def one(url, client):
            kwargs = dict(connect_timeout=10, allow_reconnect=False, max_reconnect_attempts=0)
            if "user" in client: kwargs.update(user=client["user"], password=client["password"])
            if "token" in client: kwargs.update(token=client["token"])
            if "nkey_seed" in client: kwargs.update(nkeys_seed_str=client["nkey_seed"])
            try:
                nc = await nats.connect(url, **kwargs)
            except Exception as e:
                return {"name": client["name"], "connected": False, "error": type(e).__name__}
            try:
                subject = "app.%s.burst" % client["name"]
                sub = await nc.subscribe(subject)
                await nc.publish(subject, b"ping")
                msg = await sub.next_msg(timeout=10)
                return {"name": client["name"], "connected": True, "roundtrip": msg.subject == subject}
            except Exception as e:
                return {"name": client["name"], "connected": True, "roundtrip": False, "error": type(e).__name__}
            finally:
                await nc.close()
        async def main():
            url, spec = sys.argv[1], json.loads(sys.argv[2])
            results = await asyncio.gather(*(one(url, c) for c in spec["clients"]))
            print(json.dumps(results))
        asyncio.run(main())
        """

    struct ClientResult: Decodable {
        var name: String
        var connected: Bool
        var roundtrip: Bool?
        var error: String?
    }

    /// One connection as the server's CONNZ reports it.
    struct ServerConnection: Decodable {
        var cid: UInt64
        var name: String?
        var inMsgs: Int
        var outMsgs: Int
        enum CodingKeys: String, CodingKey {
            case cid, name
            case inMsgs = "in_msgs"
            case outMsgs = "out_msgs"
        }
    }

    /// The server's view of its connections, asked over the system account.
    static func connz(_ system: NATSConnection) async throws -> [ServerConnection] {
        struct Reply: Decodable {
            struct Data: Decodable { var connections: [ServerConnection]? }
            var data: Data?
        }
        let reply = try await system.request(ByteBuffer(string: #"{"limit":1024}"#), to: "$SYS.REQ.SERVER.PING.CONNZ")
        return try JSONDecoder().decode(Reply.self, from: Data(reply.payload.readableBytesView)).data?.connections ?? []
    }

    @Test func twoConnectionsInOneQueueGroupShareAndAllowAConnectBurst() async throws {
        let server = try await CalloutServer.start(label: "multi-connection")
        let directory = try makeDirectory()
        let policy = try PolicyStore.parsing(CalloutEndToEndTests.policyYAML)
        // Two service connections, each pinned to a shared loop in turn, as the executable places them.
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let recording = LoopRecordingDirectory(directory, loops: loops)
        let passwordChecks = PasswordCheckPool(threads: 1)
        let authorizer = Authorizer(identities: recording, policy: policy, passwordChecks: passwordChecks,
                                    passwordCheckTimeout: Authorizer.passwordCheckTimeout(within: CalloutServer.loadTolerantDecisionBudget))
        let handler = AuthorizationHandler(keys: server.keys, configuration: .init(decisionBudget: CalloutServer.loadTolerantDecisionBudget),
                                           authorizer: authorizer)

        // 20 users: nkeys and tokens are decided on the event loop; passwords (argon2id cache
        // misses) wait in child tasks. Secrets stay in this process and the client's arguments.
        var clients: [[String: String]] = []
        for index in 0..<20 {
            let name = "u\(index)"
            switch index % 3 {
            case 0:
                try await directory.addUser(name, password: nil, groups: ["developers"])
                let key = try KeyPair.generate(.user)
                try await directory.addNKey(name, key.publicKey)
                clients.append(["name": name, "nkey_seed": try key.encodedSeed()])
            case 1:
                try await directory.addUser(name, password: nil, groups: ["developers"])
                clients.append(["name": name, "token": try await directory.issueToken(name)])
            default:
                try await directory.addUser(name, password: "pw-\(name)", groups: ["developers"])
                clients.append(["name": name, "user": name, "password": "pw-\(name)"])
            }
        }

        func serviceConnection(_ name: String, on loop: any EventLoop) async throws -> NATSConnection {
            try await NATSConnection.connect(
                NATSConfiguration(servers: [server.server.url], name: name,
                                  authentication: .nkey(publicKey: server.serviceUser.publicKey,
                                                        signNonce: { server.serviceUser.signature(for: $0) }),
                                  reconnect: .init(baseWait: .milliseconds(50), maxWait: .milliseconds(250))),
                eventLoopGroup: loop, logger: RunningCallout.logger)
        }
        let first = try await serviceConnection("callout-a", on: loops[0])
        let second = try await serviceConnection("callout-b", on: loops[1 % loops.count])
        let system = try await NATSConnection.connect(
            NATSConfiguration(servers: [server.server.url],
                              authentication: .userPassword(user: CalloutServer.systemUser.name, password: CalloutServer.systemUser.password)),
            logger: RunningCallout.logger)
        let sink = RecordingSink()
        let decisionLog = DecisionLog(logger: RunningCallout.logger, sink: sink, flushInterval: .zero)
        let service = CalloutService(connections: [first, second], handler: handler, decisionLog: decisionLog,
                                     configuration: .init(queueGroup: "multi"), logger: RunningCallout.logger)
        let serviceTask = Task { try await service.run() }
        let logTask = Task { await decisionLog.run() }
        func stop() async throws {
            serviceTask.cancel()
            _ = await serviceTask.result
            decisionLog.finish()
            await logTask.value
            for connection in [first, second, system] { await connection.close() }
            try await passwordChecks.shutdown()
            try await server.server.stop()
        }

        do {
            try await pollUntil("the service to subscribe on both connections") { service.isSubscribed }
            let spec = String(decoding: try JSONSerialization.data(withJSONObject: ["clients": clients]), as: UTF8.self)
            let output = try await runPython(Self.burstScript, arguments: [server.server.url, spec], timeout: .seconds(90))
            #expect(output.status == 0, "nats-py: \(output.stderr)")
            let line = try #require(output.stdout.split(separator: "\n").last)
            let results = try JSONDecoder().decode([ClientResult].self, from: Data(line.utf8))
            #expect(results.count == 20)
            for result in results {
                #expect(result.connected && result.roundtrip == true, "\(result.name): \(result.error ?? "no round trip")")
            }

            // Every connect was decided once, allowed, by the method it used.
            let records = try await poll("20 decision records") { sink.records.count >= 20 ? sink.records : nil }
            #expect(records.count == 20)
            #expect(records.allSatisfy { $0.result == .allow && $0.reason == .allowed })
            #expect(Set(records.compactMap(\.userName)) == Set((0..<20).map { "u\($0)" }))
            let methods = Dictionary(grouping: records, by: \.authMethod).mapValues(\.count)
            #expect(methods == [.nkey: 7, .token: 7, .password: 6])

            // The server saw both service connections take requests and publish replies: each
            // answered what it received, and together exactly the 20 connects.
            let (a, b) = try await poll("CONNZ to count every reply") { () -> (ServerConnection, ServerConnection)? in
                let connections = try await Self.connz(system)
                guard let a = connections.first(where: { $0.name == "callout-a" }),
                      let b = connections.first(where: { $0.name == "callout-b" }),
                      a.inMsgs + b.inMsgs >= 20 else { return nil }
                return (a, b)
            }
            #expect(a.outMsgs + b.outMsgs == 20, "each request delivered to one member of the queue group")
            #expect(a.inMsgs + b.inMsgs == 20, "one reply per request")
            #expect(a.inMsgs == a.outMsgs && b.inMsgs == b.outMsgs, "each connection answered what it received")
            #expect(a.outMsgs > 0 && b.outMsgs > 0, "both connections answered some (a: \(a.outMsgs), b: \(b.outMsgs))")

            // Every store read ran on a service connection's event loop (decided where it was
            // read), and every argon2id check off them (on the password pool).
            let lookups = recording.lookupLoops, checks = recording.checkLoops
            #expect(lookups.count == 20 && !lookups.contains(-1), "store reads on the event loops: \(lookups)")
            #expect(checks.count == 6 && checks.allSatisfy { $0 == -1 }, "argon2id checks off the event loops: \(checks)")
            if loops.count > 1 {
                #expect(Set(lookups) == [0, 1], "both connections' loops decided some")
            }
        } catch {
            try? await stop()
            throw error
        }
        try await stop()
    }
}

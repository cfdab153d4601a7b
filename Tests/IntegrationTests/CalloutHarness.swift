import AuthCallout
import Foundation
import IdentityStore
import Logging
import NATSClient
import NKeys
import Policy
import Testing
import TestSupport

/// Keys and a real nats-server configured for auth callout (config-file accounts AUTH/APP/SYS).
struct CalloutServer {
    let issuer: KeyPair
    let serviceUser: KeyPair
    let xkey: XKeyPair?
    let server: NATSServerProcess

    /// The system-account user (bypasses the callout) used for CONNZ/KICK and as a static-user baseline.
    static let systemUser = CalloutServerConfiguration.systemUser
    /// A static user in APP that bypasses the callout (the benchmark's baseline).
    static let staticUser = CalloutServerConfiguration.staticUser

    /// How long these servers wait for an answer unless a test asks otherwise. The suites run in
    /// parallel on two cores, where one uncached argon2id check can outlast the default 2 s; a
    /// test about what happens when nobody answers passes nil (nats-server's 2 s).
    static let loadTolerantAuthTimeoutSeconds = 10
    /// The decision budget that goes with it: under the server's timeout, as in production.
    static let loadTolerantDecisionBudget: Duration = .seconds(8)

    /// - Parameter authTimeoutSeconds: how long the server waits for an answer (nil: its 2 s).
    static func start(xkey: Bool = false, label: String = "callout",
                      authTimeoutSeconds: Int? = loadTolerantAuthTimeoutSeconds) async throws -> CalloutServer {
        let issuer = try KeyPair.generate(.account)
        let serviceUser = try KeyPair.generate(.user)
        let xkeyPair = xkey ? try XKeyPair.generate() : nil
        let config = CalloutServerConfiguration(issuerPublicKey: issuer.publicKey,
                                                serviceUserPublicKey: serviceUser.publicKey,
                                                xkeyPublicKey: xkeyPair?.publicKey,
                                                authTimeoutSeconds: authTimeoutSeconds).body
        let server = try await NATSServerProcess.start(config: config, label: label)
        return CalloutServer(issuer: issuer, serviceUser: serviceUser, xkey: xkeyPair, server: server)
    }

    var keys: CalloutKeys { CalloutKeys(mode: .config(issuer: issuer), xkey: xkey) }
}

/// Collects decision records in memory so tests can wait for them (the real sink is the table).
final class RecordingSink: DecisionSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [DecisionRecord] = []
    func append(_ records: [DecisionRecord]) async throws { lock.withLock { stored.append(contentsOf: records) } }
    var records: [DecisionRecord] { lock.withLock { stored } }
}

/// The callout service running in this process against a real server.
final class RunningCallout: @unchecked Sendable {
    let connection: NATSConnection
    let service: CalloutService
    /// The service's handler (and so its replay memory), for feeding it captured requests.
    let handler: AuthorizationHandler
    let decisionLog: DecisionLog
    let sink: RecordingSink
    let registry: SessionRegistry
    private var tasks: [Task<Void, Never>] = []
    /// Other connections to close on stop (the revoker's system connection).
    var extraConnections: [NATSConnection] = []

    static let logger = Logger(label: "callout-test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func start(
        url: String, serviceUser: KeyPair, keys: CalloutKeys, authorizer: Authorizer,
        requireEncryption: Bool = false, queueGroup: String = "scim-callout", allowedAccounts: Set<String> = [],
        currency: ReplicaCurrencyMonitor? = nil,
        revoker: ((RunningCallout, SessionRegistry, DecisionLog) async throws -> SessionRevoker?)? = nil
    ) async throws -> RunningCallout {
        try await start(url: url, authentication: .nkey(publicKey: serviceUser.publicKey, signNonce: { serviceUser.signature(for: $0) }),
                        keys: keys, authorizer: authorizer, requireEncryption: requireEncryption, queueGroup: queueGroup,
                        allowedAccounts: allowedAccounts, currency: currency, revoker: revoker)
    }

    static func start(
        url: String, authentication: NATSConfiguration.Authentication, keys: CalloutKeys, authorizer: Authorizer,
        requireEncryption: Bool = false, queueGroup: String = "scim-callout", allowedAccounts: Set<String> = [],
        currency: ReplicaCurrencyMonitor? = nil,
        revoker: ((RunningCallout, SessionRegistry, DecisionLog) async throws -> SessionRevoker?)? = nil
    ) async throws -> RunningCallout {
        let configuration = NATSConfiguration(
            servers: [url], name: "scim-callout-test",
            authentication: authentication,
            reconnect: .init(baseWait: .milliseconds(50), maxWait: .milliseconds(250))
        )
        let connection = try await NATSConnection.connect(configuration, logger: logger)
        let sink = RecordingSink()
        let decisionLog = DecisionLog(logger: logger, sink: sink, batchSize: 16)
        let registry = SessionRegistry()
        // As `serve` builds it: decisions that need no argon2id check run on the event loop.
        let handler = AuthorizationHandler(keys: keys, configuration: .init(requireEncryption: requireEncryption,
                                                                                decisionBudget: CalloutServer.loadTolerantDecisionBudget,
                                                                                allowedAccounts: allowedAccounts),
                                           authorizer: authorizer)
        let service = CalloutService(connection: connection, handler: handler, decisionLog: decisionLog,
                                     sessions: registry, currency: currency, configuration: .init(queueGroup: queueGroup), logger: logger)
        let running = RunningCallout(connection: connection, service: service, handler: handler, decisionLog: decisionLog,
                                     sink: sink, registry: registry)
        running.tasks.append(Task { try? await service.run() })
        running.tasks.append(Task { await decisionLog.run() })
        if let revoker, let revoker = try await revoker(running, registry, decisionLog) {
            running.tasks.append(Task { try? await revoker.run() })
        }
        try await pollUntil("callout subscribed") { service.isSubscribed }
        return running
    }

    private init(connection: NATSConnection, service: CalloutService, handler: AuthorizationHandler, decisionLog: DecisionLog,
                 sink: RecordingSink, registry: SessionRegistry) {
        self.connection = connection
        self.service = service
        self.handler = handler
        self.decisionLog = decisionLog
        self.sink = sink
        self.registry = registry
    }

    /// Waits for a decision record matching `predicate`.
    func record(_ what: String, where predicate: @escaping @Sendable (DecisionRecord) -> Bool) async throws -> DecisionRecord {
        let sink = self.sink
        return try await poll("decision record: \(what)", timeout: .seconds(10)) { sink.records.last(where: predicate) }
    }

    func stop() async {
        for task in tasks { task.cancel() }
        decisionLog.finish()
        await connection.close()
        for extra in extraConnections { await extra.close() }
    }
}

/// Runs nats-py as an independent client: connects with the given credentials, then publishes
/// and subscribes as asked, and reports what happened as JSON.
enum PythonClient {
    struct Result: Decodable {
        var connected: Bool
        var error: String?
        var errors: [String]?
        var received: [String]?

        /// What went wrong, for an expectation's message: the connect error and any after it.
        var diagnosis: String { ([error].compactMap { $0 } + (errors ?? [])).joined(separator: "; ") }
    }

    static let script = """
        import asyncio, json, sys, nats
        async def main():
            url, spec = sys.argv[1], json.loads(sys.argv[2])
            errors = []
            async def on_error(e): errors.append(str(e))
            kwargs = dict(connect_timeout=5, allow_reconnect=False, max_reconnect_attempts=0, error_cb=on_error)
            if "user" in spec: kwargs.update(user=spec["user"], password=spec["password"])
            if "token" in spec: kwargs.update(token=spec["token"])
            if "nkey_seed" in spec: kwargs.update(nkeys_seed_str=spec["nkey_seed"])
            try:
                nc = await nats.connect(url, **kwargs)
            except Exception as e:
                print(json.dumps({"connected": False, "error": f"{type(e).__name__}: {e}"}))
                return
            received = []
            for subject in spec.get("roundtrip", []):
                sub = await nc.subscribe(subject)
                await nc.publish(subject, b"ping")
                try:
                    # Load tolerant, as the servers' auth timeout is: every suite shares two cores.
                    msg = await sub.next_msg(timeout=20)
                    received.append(msg.subject)
                except Exception as e:
                    errors.append(f"roundtrip {subject}: {type(e).__name__} (still connected: {nc.is_connected}, "
                                  f"last error: {nc.last_error!r})")
            for subject in spec.get("publish", []):
                await nc.publish(subject, b"x")
            await nc.flush(timeout=20)
            want = spec.get("expect_errors", 0)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 5
            while len(errors) < want and loop.time() < deadline:
                await asyncio.sleep(0.01)
            print(json.dumps({"connected": True, "errors": errors, "received": received}))
            await nc.close()
        asyncio.run(main())
        """

    static func run(_ url: String, _ spec: [String: Any]) async throws -> Result {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        let output = try await runPython(script, arguments: [url, json], timeout: .seconds(60))
        guard output.status == 0, let line = output.stdout.split(separator: "\n").last else {
            throw TestSupportError.processFailed(command: "python client", status: output.status, output: output.stderr)
        }
        return try JSONDecoder().decode(Result.self, from: Data(line.utf8))
    }
}

extension PolicyStore {
    /// A store holding the policy `yaml` (which must be valid), logging nowhere.
    static func parsing(_ yaml: String) throws -> PolicyStore {
        PolicyStore(policy: try PolicyParser.parse(yaml), logger: RunningCallout.logger)
    }
}

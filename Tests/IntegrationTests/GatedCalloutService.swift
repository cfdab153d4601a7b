import AuthCallout
import IdentityStore
import NATSClient
import TestSupport

/// A `CalloutService` on a real nats-server whose argon2id checks wait at a
/// ``GatedPasswordChecks`` gate on their own pool, recording every decision: what the shedding
/// and throttling suites run their clients against.
struct GatedCalloutService: Sendable {
    let server: CalloutServer
    let checks: GatedPasswordChecks
    let sink: RecordingSink
    let service: CalloutService
    private let connection: NATSConnection
    private let passwordPool: PasswordCheckPool
    private let log: DecisionLog
    private let serviceTask: Task<Void, Never>
    private let logTask: Task<Void, Never>

    /// Starts the service with `threads` password-check threads and `configuration`, and returns
    /// once it has subscribed.
    static func start(_ server: CalloutServer, checks: GatedPasswordChecks, threads: Int,
                      configuration: CalloutService.Configuration) async throws -> GatedCalloutService {
        let passwordPool = PasswordCheckPool(threads: threads)
        let authorizer = Authorizer(identities: checks, policy: try PolicyStore.parsing(CalloutEndToEndTests.policyYAML),
                                    passwordChecks: passwordPool, passwordCheckTimeout: .seconds(60))
        // The service's own connection: its user bypasses the callout.
        let connection = try await NATSConnection.connect(
            NATSConfiguration(servers: [server.server.url],
                              authentication: .nkey(publicKey: server.serviceUser.publicKey, signNonce: { server.serviceUser.signature(for: $0) })),
            logger: RunningCallout.logger)
        let sink = RecordingSink()
        let log = DecisionLog(logger: RunningCallout.logger, sink: sink, flushInterval: .zero)
        let service = CalloutService(connection: connection, handler: AuthorizationHandler(keys: server.keys,
                                                                                      configuration: .init(decisionBudget: CalloutServer.loadTolerantDecisionBudget),
                                                                                      authorizer: authorizer),
                                     decisionLog: log, configuration: configuration, logger: RunningCallout.logger)
        let running = GatedCalloutService(server: server, checks: checks, sink: sink, service: service, connection: connection,
                                          passwordPool: passwordPool, log: log,
                                          serviceTask: Task { try? await service.run() }, logTask: Task { await log.run() })
        do {
            try await pollUntil("the service to subscribe") { service.isSubscribed }
        } catch {
            try? await running.stop()
            throw error
        }
        return running
    }

    /// Whether a client with these credentials gets in (then it leaves at once).
    func connects(_ name: String, _ authentication: NATSConfiguration.Authentication) async -> Bool {
        let attempt = try? await NATSConnection.connect(
            NATSConfiguration(servers: [server.server.url], name: name, authentication: authentication, reconnect: .disabled),
            logger: RunningCallout.logger)
        await attempt?.close()
        return attempt != nil
    }

    /// The recorded decisions about `user`, oldest first.
    func records(_ user: String) -> [DecisionRecord] { sink.records.filter { $0.userName == user } }

    /// Opens the gate for good, then stops the service, its log, its pool and nats-server.
    func stop() async throws {
        checks.openForGood()
        serviceTask.cancel()
        log.finish()
        await logTask.value
        await connection.close()
        try await passwordPool.shutdown()
        try await server.server.stop()
    }
}

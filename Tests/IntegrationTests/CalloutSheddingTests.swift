import AuthCallout
import Foundation
import IdentityStore
import NATSClient
import NIOConcurrencyHelpers
import NKeys
import Testing
import TestSupport

/// `CalloutService` admits at most `maxInFlight` decisions; beyond that a request is answered at
/// once with a signed `overloaded` denial instead of queueing, against a real nats-server.
@Suite("Auth callout sheds load beyond maxInFlight", .timeLimit(.minutes(2)))
struct CalloutSheddingTests {
    /// The service's own connection (its user bypasses the callout).
    static func serviceConnection(_ server: CalloutServer) async throws -> NATSConnection {
        try await NATSConnection.connect(
            NATSConfiguration(servers: [server.server.url],
                              authentication: .nkey(publicKey: server.serviceUser.publicKey, signNonce: { server.serviceUser.signature(for: $0) })),
            logger: RunningCallout.logger)
    }

    /// Whether a client with these credentials gets in (then it leaves at once).
    static func connects(_ server: CalloutServer, _ name: String, _ authentication: NATSConfiguration.Authentication) async -> Bool {
        let attempt = try? await NATSConnection.connect(
            NATSConfiguration(servers: [server.server.url], name: name, authentication: authentication, reconnect: .disabled),
            logger: RunningCallout.logger)
        await attempt?.close()
        return attempt != nil
    }

    @Test func aRequestBeyondTheLimitIsAnOverloadedDenialWhileTheFirstIsStillDeciding() async throws {
        let server = try await CalloutServer.start(label: "shedding")
        let directory = try makeDirectory()
        _ = try await directory.addUser("first", password: "right", groups: ["developers"])
        _ = try await directory.addUser("second", password: "right", groups: ["developers"])
        // A wrong password's argon2id check holds the decision until the test opens the gate.
        let checks = GatedPasswordChecks(directory)
        let passwordPool = PasswordCheckPool(threads: 1)
        let authorizer = Authorizer(identities: checks, policy: try PolicyStore.parsing(CalloutEndToEndTests.policyYAML),
                                    passwordChecks: passwordPool, passwordCheckTimeout: .seconds(60))
        let handler = AuthorizationHandler(keys: server.keys, authorizer: authorizer)
        let connection = try await Self.serviceConnection(server)
        let sink = RecordingSink()
        let log = DecisionLog(logger: RunningCallout.logger, sink: sink, flushInterval: .zero)
        let service = CalloutService(connection: connection, handler: handler, decisionLog: log,
                                     configuration: .init(queueGroup: "shed-test", maxInFlight: 1), logger: RunningCallout.logger)
        let serviceTask = Task { try? await service.run() }
        let logTask = Task { await log.run() }
        func connect(_ user: String) async -> Bool {
            await Self.connects(server, user, .userPassword(user: user, password: "pw"))
        }
        do {
            try await pollUntil("the service to subscribe") { service.isSubscribed }
            // A real client connects; its decision holds the only slot.
            let first = Task { await connect("first") }
            try await pollUntil("the first decision to start its check") { checks.checksStarted == 1 }

            // A second client connects meanwhile: its request is denied at once, without a decision.
            #expect(await connect("second") == false)
            let shed = try await poll("the shed decision", timeout: .seconds(10)) { sink.records.first { $0.userName == "second" } }
            #expect(shed.reason == .overloaded && shed.result == .deny)
            #expect(checks.checksStarted == 1, "the shed request never started a check")
            #expect(server.server.log.contains("overloaded"), "nats-server logs the reason it was given")

            checks.open()
            #expect(await first.value == false)
            let decided = try await poll("the first decision", timeout: .seconds(10)) { sink.records.first { $0.userName == "first" } }
            #expect(decided.reason == .wrongSecret)
        } catch {
            checks.open()
            serviceTask.cancel()
            log.finish()
            await connection.close()
            try? await passwordPool.shutdown()
            try? await server.server.stop()
            throw error
        }
        serviceTask.cancel()
        log.finish()
        await logTask.value
        await connection.close()
        try await passwordPool.shutdown()
        try await server.server.stop()
    }

    @Test func decisionsThatNeedNoWaitAreNeverShed() async throws {
        let server = try await CalloutServer.start(label: "shed-nkey")
        let directory = try makeDirectory()
        _ = try await directory.addUser("waiting", password: "pw", groups: ["developers"])
        _ = try await directory.addUser("second", password: "pw", groups: ["developers"])
        let key = try KeyPair.generate(.user)
        _ = try await directory.addUser("keyed", password: nil, groups: ["developers"])
        try await directory.addNKey("keyed", key.publicKey)
        let checks = GatedPasswordChecks(directory)
        let passwordPool = PasswordCheckPool(threads: 1)
        let policy = try PolicyStore.parsing(CalloutEndToEndTests.policyYAML)
        let authorizer = Authorizer(identities: checks, policy: policy, passwordChecks: passwordPool, passwordCheckTimeout: .seconds(60))
        let connection = try await Self.serviceConnection(server)
        let sink = RecordingSink()
        let log = DecisionLog(logger: RunningCallout.logger, sink: sink, flushInterval: .zero)
        let service = CalloutService(connection: connection, handler: AuthorizationHandler(keys: server.keys, authorizer: authorizer),
                                     decisionLog: log, configuration: .init(queueGroup: "shed-test", maxInFlight: 1),
                                     logger: RunningCallout.logger)
        let serviceTask = Task { try? await service.run() }
        let logTask = Task { await log.run() }
        func connect(_ user: String, _ authentication: NATSConfiguration.Authentication) async -> Bool {
            await Self.connects(server, user, authentication)
        }
        func cleanUp() async {
            checks.open()
            serviceTask.cancel()
            log.finish()
            await logTask.value
            await connection.close()
            try? await passwordPool.shutdown()
            try? await server.server.stop()
        }
        do {
            try await pollUntil("the service to subscribe") { service.isSubscribed }
            // A password connect that misses the credential cache waits for its argon2id check
            // and holds the only place.
            let first = Task { await connect("waiting", .userPassword(user: "waiting", password: "pw")) }
            try await pollUntil("the first check to start") { checks.checksStarted == 1 }

            // An nkey connect needs no check: decided and allowed, not shed.
            #expect(await connect("keyed", .nkey(publicKey: key.publicKey, signNonce: { key.signature(for: $0) })))
            let keyed = try await poll("the nkey decision", timeout: .seconds(10)) { sink.records.first { $0.userName == "keyed" } }
            #expect(keyed.result == .allow && keyed.authMethod == .nkey)

            // Another password connect would have to wait too: shed.
            #expect(await connect("second", .userPassword(user: "second", password: "pw")) == false)
            let shed = try await poll("the shed decision", timeout: .seconds(10)) { sink.records.first { $0.userName == "second" } }
            #expect(shed.reason == .overloaded && shed.result == .deny)
            #expect(checks.checksStarted == 1, "the shed request never started a check")

            checks.open()
            #expect(await first.value == true)
            let decided = try await poll("the first decision", timeout: .seconds(10)) { sink.records.first { $0.userName == "waiting" } }
            #expect(decided.result == .allow && decided.authMethod == .password)
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }
}

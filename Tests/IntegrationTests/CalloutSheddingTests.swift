import AuthCallout
import Foundation
import NATSClient
import NIOConcurrencyHelpers
import Testing
import TestSupport

/// `CalloutService` admits at most `maxInFlight` decisions; beyond that a request is answered at
/// once with a signed `overloaded` denial instead of queueing, against a real nats-server.
@Suite("Auth callout sheds load beyond maxInFlight", .timeLimit(.minutes(2)))
struct CalloutSheddingTests {
    /// Holds decisions until the test opens it.
    final class Gate: Sendable {
        private let waiters = NIOLockedValueBox<(open: Bool, continuations: [CheckedContinuation<Void, Never>], entered: Int)>((false, [], 0))
        var entered: Int { waiters.withLockedValue { $0.entered } }
        func wait() async {
            await withCheckedContinuation { continuation in
                let resumeNow = waiters.withLockedValue { state -> Bool in
                    state.entered += 1
                    if state.open { return true }
                    state.continuations.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
        func open() {
            let continuations = waiters.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
                state.open = true
                defer { state.continuations = [] }
                return state.continuations
            }
            for continuation in continuations { continuation.resume() }
        }
    }

    @Test func aRequestBeyondTheLimitIsAnOverloadedDenialWhileTheFirstIsStillDeciding() async throws {
        let server = try await CalloutServer.start(label: "shedding")
        let gate = Gate()
        let handler = AuthorizationHandler(keys: server.keys) { request in
            await gate.wait()
            return .deny(.init(reason: .wrongSecret, detail: "test", userName: request.user, authMethod: .password))
        }
        let connection = try await NATSConnection.connect(
            NATSConfiguration(servers: [server.server.url],
                              authentication: .nkey(publicKey: server.serviceUser.publicKey, signNonce: { server.serviceUser.signature(for: $0) })),
            logger: RunningCallout.logger)
        let sink = RecordingSink()
        let log = DecisionLog(logger: RunningCallout.logger, sink: sink, flushInterval: .zero)
        let service = CalloutService(connection: connection, handler: handler, decisionLog: log,
                                     configuration: .init(queueGroup: "shed-test", maxInFlight: 1), logger: RunningCallout.logger)
        let serviceTask = Task { try? await service.run() }
        let logTask = Task { await log.run() }
        func connect(_ user: String) async -> Bool {
            let attempt = try? await NATSConnection.connect(
                NATSConfiguration(servers: [server.server.url], name: user,
                                  authentication: .userPassword(user: user, password: "pw"), reconnect: .disabled),
                logger: RunningCallout.logger)
            await attempt?.close()
            return attempt != nil
        }
        do {
            try await pollUntil("the service to subscribe") { service.isSubscribed }
            // A real client connects; its decision holds the only slot.
            let first = Task { await connect("first") }
            try await pollUntil("the first decision to start") { gate.entered == 1 }

            // A second client connects meanwhile: its request is denied at once, without a decision.
            #expect(await connect("second") == false)
            let shed = try await poll("the shed decision", timeout: .seconds(10)) { sink.records.first { $0.userName == "second" } }
            #expect(shed.reason == .overloaded && shed.result == .deny)
            #expect(gate.entered == 1, "the shed request never reached the decision step")
            #expect(server.server.log.contains("overloaded"), "nats-server logs the reason it was given")

            gate.open()
            #expect(await first.value == false)
            let decided = try await poll("the first decision", timeout: .seconds(10)) { sink.records.first { $0.userName == "first" } }
            #expect(decided.reason == .wrongSecret)
        } catch {
            gate.open()
            serviceTask.cancel()
            log.finish()
            await connection.close()
            try? await server.server.stop()
            throw error
        }
        serviceTask.cancel()
        log.finish()
        await logTask.value
        await connection.close()
        try await server.server.stop()
    }
}

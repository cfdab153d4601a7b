import AuthCallout
import Foundation
import IdentityStore
import NATSClient
import NKeys
import Testing
import TestSupport

/// `CalloutService` admits at most `maxInFlight` decisions; beyond that a request is answered at
/// once with a signed `overloaded` denial instead of queueing, against a real nats-server.
@Suite("Auth callout sheds load beyond maxInFlight", .timeLimit(.minutes(2)))
struct CalloutSheddingTests {
    @Test func aRequestBeyondTheLimitIsAnOverloadedDenialWhileTheFirstIsStillDeciding() async throws {
        let server = try await CalloutServer.start(label: "shedding")
        let directory = try makeDirectory()
        _ = try await directory.addUser("first", password: "right", groups: ["developers"])
        _ = try await directory.addUser("second", password: "right", groups: ["developers"])
        // A wrong password's argon2id check holds the decision until the test opens the gate.
        let checks = GatedPasswordChecks(directory)
        let running = try await GatedCalloutService.start(server, checks: checks, threads: 1,
                                                          configuration: .init(queueGroup: "shed-test", maxInFlight: 1))
        func connect(_ user: String) async -> Bool {
            await running.connects(user, .userPassword(user: user, password: "pw"))
        }
        do {
            // A real client connects; its decision holds the only slot.
            let first = Task { await connect("first") }
            try await pollUntil("the first decision to start its check") { checks.checksStarted == 1 }

            // A second client connects meanwhile: its request is denied at once, without a decision.
            #expect(await connect("second") == false)
            let shed = try await poll("the shed decision", timeout: .seconds(10)) { running.records("second").first }
            #expect(shed.reason == .overloaded && shed.result == .deny)
            #expect(checks.checksStarted == 1, "the shed request never started a check")
            #expect(server.server.log.contains("overloaded"), "nats-server logs the reason it was given")

            checks.open()
            #expect(await first.value == false)
            let decided = try await poll("the first decision", timeout: .seconds(10)) { running.records("first").first }
            #expect(decided.reason == .wrongSecret)
        } catch {
            try? await running.stop()
            throw error
        }
        try await running.stop()
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
        let running = try await GatedCalloutService.start(server, checks: checks, threads: 1,
                                                          configuration: .init(queueGroup: "shed-test", maxInFlight: 1))
        func connect(_ user: String, _ authentication: NATSConfiguration.Authentication) async -> Bool {
            await running.connects(user, authentication)
        }
        do {
            // A password connect that misses the credential cache waits for its argon2id check
            // and holds the only place.
            let first = Task { await connect("waiting", .userPassword(user: "waiting", password: "pw")) }
            try await pollUntil("the first check to start") { checks.checksStarted == 1 }

            // An nkey connect needs no check: decided and allowed, not shed.
            #expect(await connect("keyed", .nkey(publicKey: key.publicKey, signNonce: { key.signature(for: $0) })))
            let keyed = try await poll("the nkey decision", timeout: .seconds(10)) { running.records("keyed").first }
            #expect(keyed.result == .allow && keyed.authMethod == .nkey)

            // Another password connect would have to wait too: shed.
            #expect(await connect("second", .userPassword(user: "second", password: "pw")) == false)
            let shed = try await poll("the shed decision", timeout: .seconds(10)) { running.records("second").first }
            #expect(shed.reason == .overloaded && shed.result == .deny)
            #expect(checks.checksStarted == 1, "the shed request never started a check")

            checks.open()
            #expect(await first.value == true)
            let decided = try await poll("the first decision", timeout: .seconds(10)) { running.records("waiting").first }
            #expect(decided.result == .allow && decided.authMethod == .password)
        } catch {
            try? await running.stop()
            throw error
        }
        try? await running.stop()
    }
}

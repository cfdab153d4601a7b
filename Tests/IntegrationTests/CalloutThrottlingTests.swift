import AuthCallout
import Foundation
import IdentityStore
import NATSClient
import Testing
import TestSupport

/// Password spraying against one user, through a real nats-server: the sprayed user's checks get
/// at most their share of the argon2id pool and are then refused cheaply (`throttled`), while
/// another user's uncached, correct password keeps getting in (never `overloaded`).
@Suite("Auth callout throttles password spraying", .timeLimit(.minutes(2)))
struct CalloutThrottlingTests {
    static let wrong = "wrong-password"

    @Test func sprayingOneUserNeitherFillsThePoolNorShedsAnotherUsersUncachedLogin() async throws {
        let server = try await CalloutServer.start(label: "throttle")
        let directory = try makeDirectory()
        for name in ["victim", "bob", "carol"] {
            _ = try await directory.addUser(name, password: "right", groups: ["developers"])
        }
        // Only the sprayed (wrong) password is held; every other check runs at once.
        let checks = GatedPasswordChecks(directory, holding: { $0 == CalloutThrottlingTests.wrong })
        // Every client here connects from 127.0.0.1, so the source limits are left wide open and
        // the test is about the user's: two checks waiting at most, three failures in a burst.
        let throttle = PasswordThrottle.Settings(sourceBurst: 1000, sourcePerMinute: 1000, userBurst: 3, userPerMinute: 1,
                                                 freeFailures: 1000, userMaxWaiting: 2, sourceMaxWaiting: 100)
        // A thread for every place (four), so each admitted check starts at once: held at the
        // gate for the spray, run for anyone else. Four places in all: without the throttle the
        // spray takes every one of them.
        let running = try await GatedCalloutService.start(
            server, checks: checks, threads: 4,
            configuration: .init(queueGroup: "throttle-test", maxInFlight: 4, throttle: throttle))
        let sink = running.sink
        func connect(_ user: String, _ password: String) async -> Bool {
            await running.connects(user, .userPassword(user: user, password: password))
        }
        @Sendable func records(_ user: String) -> [DecisionRecord] { running.records(user) }
        do {
            // Six wrong passwords for the victim at once: two checks start (the user's share),
            // the other four are refused without one.
            let spray = (0 ..< 6).map { _ in Task { await connect("victim", Self.wrong) } }
            try await pollUntil("each attempt to hold a check or be answered") { checks.checksStarted + records("victim").count == 6 }
            #expect(checks.checksStarted == 2, "the sprayed user holds only its share of the pool")
            #expect(records("victim").map(\.reason) == Array(repeating: .throttled, count: 4))

            // Meanwhile another user's correct password, not in the credential cache, gets in.
            #expect(await connect("bob", "right"), "bob is let in while the victim is sprayed")
            let bob = try await poll("bob's decision", timeout: .seconds(10)) { records("bob").first }
            #expect(bob.result == .allow && bob.reason == .allowed, "\(bob)")

            checks.openForGood()
            for attempt in spray { #expect(await attempt.value == false) }
            try await pollUntil("the held checks to be decided") { records("victim").count == 6 }

            // The spray goes on, one at a time: a few more checks, then refusals that cost none.
            for _ in 0 ..< 8 { #expect(await connect("victim", Self.wrong) == false) }
            try await pollUntil("every attempt to be recorded") { records("victim").count == 14 }
            #expect(await connect("carol", "right"), "carol is let in after the spray")

            let victim = records("victim")
            let refused = victim.filter { $0.reason == .throttled }
            #expect(refused.count > 4, "the spray was refused beyond the first burst: \(victim.map(\.reason))")
            #expect(victim.allSatisfy { [.throttled, .wrongSecret, .timeout].contains($0.reason) && $0.result == .deny },
                    "never overloaded: \(victim.map(\.reason))")
            #expect(checks.checksStarted == victim.count - refused.count, "a refused attempt runs no argon2id check")
            #expect(refused.allSatisfy { $0.detail?.contains("for this user name") == true }, "the user's limit refused them")
            #expect(sink.records.allSatisfy { $0.reason != .overloaded })
            #expect(server.server.log.contains("throttled"), "nats-server logs the reason it was given")
        } catch {
            try? await running.stop()
            throw error
        }
        try? await running.stop()
    }
}

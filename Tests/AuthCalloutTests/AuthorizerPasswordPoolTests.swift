import Dispatch
import Foundation
import IdentityStore
import Logging
import NIOConcurrencyHelpers
import Testing
import TestSupport
@testable import AuthCallout

/// An identity source whose argon2id stand-in blocks until the test lets it go (a slow check).
final class GatedIdentities: IdentityReading, @unchecked Sendable {
    let inner = TestIdentities()
    private let semaphore = DispatchSemaphore(value: 0)
    private let entered = NIOLockedValueBox(0)
    var checksStarted: Int { entered.withLockedValue { $0 } }
    func release(_ count: Int) { for _ in 0 ..< count { semaphore.signal() } }

    func identity(for key: CredentialKey, asOf: DispatchTime?) throws -> Identity? { try inner.identity(for: key, asOf: asOf) }
    func verifyPassword(_ password: String, hash: String) -> Bool {
        entered.withLockedValue { $0 += 1 }
        semaphore.wait()
        return inner.verifyPassword(password, hash: hash)
    }
    var decoyPasswordHash: String? { inner.decoyPasswordHash }
}

@Suite("Authorizer: argon2id checks on the password pool")
struct AuthorizerPasswordPoolTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600 + 12 * 3600)
    static let policy = """
        account: APP
        bindings:
          - group: developers
            publish: ["app.>"]
        """

    /// The wait `serve` gives an argon2id check: 1 s of the default 1.5 s budget, as before the
    /// budget was configurable, and two thirds of any other.
    @Test func thePasswordCheckWaitIsTwoThirdsOfTheBudget() {
        #expect(Authorizer.passwordCheckTimeout(within: .milliseconds(1500)) == .seconds(1))
        #expect(Authorizer.passwordCheckTimeout(within: .seconds(9)) == .seconds(6))
    }

    func authorizer(_ identities: any IdentityReading, pool: PasswordCheckPool, timeout: Duration = .seconds(30)) throws -> Authorizer {
        Authorizer(identities: identities, policy: try PolicyStore.parsing(Self.policy),
                   passwordChecks: pool, passwordCheckTimeout: timeout)
    }

    func request(_ user: String, _ password: String) -> ConnectRequest {
        ConnectRequest(user: user, password: password, host: "127.0.0.1", now: Self.now)
    }

    @Test func allowsAndDeniesThroughThePoolAndCachesTheMatch() async throws {
        let identities = TestIdentities()
        identities.put(Identity(id: "a", userName: "alice", passwordHash: "test-hash:pw", groups: [.init(displayName: "developers")]))
        let pool = PasswordCheckPool(threads: 1)
        let authorizer = try authorizer(identities, pool: pool)
        #expect(await authorizer.decide(request("alice", "pw")).reason == .allowed)
        #expect(await authorizer.decide(request("alice", "pw")).reason == .allowed)
        #expect(await authorizer.decide(request("alice", "nope")).reason == .wrongSecret)
        // Unknown users spend a decoy check on the pool too, and are still denied.
        #expect(await authorizer.decide(request("mallory", TestIdentities.decoySecret)).reason == .unknownUser)
        #expect(identities.verifications == 3, "the cached match is not checked again; wrong + decoy are")
        try await pool.shutdown()
    }

    @Test func aFullPoolIsAnOverloadedDenialNotAWait() async throws {
        let identities = GatedIdentities()
        identities.inner.put(Identity(id: "a", userName: "alice", passwordHash: "test-hash:pw", groups: [.init(displayName: "developers")]))
        let pool = PasswordCheckPool(threads: 1, maxOutstanding: 1)
        let authorizer = try authorizer(identities, pool: pool)
        async let first = authorizer.decide(request("alice", "pw"))
        try await pollUntil("the first check to hold the pool", timeout: PasswordCheckPoolTests.startWait) { identities.checksStarted == 1 }
        let second = await authorizer.decide(request("alice", "pw"))
        #expect(second.reason == .overloaded)
        identities.release(1)
        #expect(await first.reason == .allowed)
        try await pool.shutdown()
    }

    @Test func aCheckPastItsTimeoutIsATimeoutDenial() async throws {
        let identities = GatedIdentities()
        identities.inner.put(Identity(id: "a", userName: "alice", passwordHash: "test-hash:pw", groups: [.init(displayName: "developers")]))
        let pool = PasswordCheckPool(threads: 1)
        let authorizer = try authorizer(identities, pool: pool, timeout: .milliseconds(20))
        let decision = await authorizer.decide(request("alice", "pw"))
        #expect(decision.reason == .timeout)
        identities.release(1)
        try await pollUntil("the abandoned check to end") { pool.outstandingChecks == 0 }
        // An abandoned check never fills the cache, even though its answer was "match".
        #expect(!authorizer.cache.contains(userID: "a", version: 1, password: "pw"))
        try await pool.shutdown()
    }
}

import Foundation
import IdentityStore
import Testing
import TestSupport

@Suite("SCIM token expiry, rotation and last use")
struct SCIMTokenRotationTests {
    @Test func anExpiredTokenIsRefusedWithALogLineThatNamesItButNotItsSecret() async throws {
        // Given a token that expires in an hour
        let time = ManualTime()
        let log = CapturedLog()
        let store = try IdentityDatabase.inMemory(logger: log.logger, now: { time.now })
        let issued = try await store.issueSCIMToken(name: "okta", expiresAt: time.now.addingTimeInterval(3_600))
        #expect(try await store.authenticateSCIMToken(issued.token) == issued.info.id)

        // When the hour has passed
        time.advance(by: 3_600)

        // Then it is refused, and the log says which token and why, without the secret
        #expect(try await store.authenticateSCIMToken(issued.token) == nil)
        let refusal = try #require(log.lines.first { $0.contains("refused") })
        #expect(refusal.contains("expired"))
        #expect(refusal.contains(issued.info.id) && refusal.contains("okta"))
        #expect(!log.lines.contains { $0.contains(issued.token) }, "no log line carries the secret")
    }

    @Test func rotationIssuesASuccessorAndBothWorkOnlyDuringTheOverlap() async throws {
        let time = ManualTime()
        let store = try IdentityDatabase.inMemory(logger: quietLogger, now: { time.now })
        let old = try await store.issueSCIMToken(name: "entra", expiresAt: time.now.addingTimeInterval(90 * 86_400))
        let other = try await store.issueSCIMToken(name: "okta")
        time.advance(by: 80 * 86_400)

        let rotated = try await store.rotateSCIMToken(nameOrId: "entra", overlap: 7 * 86_400)

        #expect(rotated.successor.info.name == "entra")
        #expect(rotated.successor.token != old.token)
        #expect(rotated.predecessors.map(\.id) == [old.info.id])
        #expect(rotated.predecessors.first?.expiresAt == time.now.addingTimeInterval(7 * 86_400))
        // The successor keeps the old token's 90-day lifetime.
        #expect(rotated.successor.info.expiresAt == time.now.addingTimeInterval(90 * 86_400))
        #expect(!String(describing: rotated).contains(rotated.successor.token), "the description is redacted")

        time.advance(by: 7 * 86_400 - 1)
        #expect(try await store.authenticateSCIMToken(old.token) == old.info.id)
        #expect(try await store.authenticateSCIMToken(rotated.successor.token) == rotated.successor.info.id)
        time.advance(by: 1)
        #expect(try await store.authenticateSCIMToken(old.token) == nil)
        #expect(try await store.authenticateSCIMToken(rotated.successor.token) == rotated.successor.info.id)
        #expect(try await store.authenticateSCIMToken(other.token) == other.info.id, "other names are untouched")
    }

    @Test func anOverlapNeverExtendsATokenThatExpiresSooner() async throws {
        let time = ManualTime()
        let store = try IdentityDatabase.inMemory(logger: quietLogger, now: { time.now })
        let old = try await store.issueSCIMToken(name: "okta", expiresAt: time.now.addingTimeInterval(3_600))
        let rotated = try await store.rotateSCIMToken(nameOrId: "okta", overlap: 7 * 86_400, lifetime: 30 * 86_400)
        #expect(rotated.predecessors.first?.expiresAt == old.info.expiresAt)
        #expect(rotated.successor.info.expiresAt == time.now.addingTimeInterval(30 * 86_400))
    }

    @Test func rotatingByIdAndRotatingTwiceDuringAnOverlap() async throws {
        let time = ManualTime()
        let store = try IdentityDatabase.inMemory(logger: quietLogger, now: { time.now })
        let first = try await store.issueSCIMToken(name: "okta")
        let second = try await store.rotateSCIMToken(nameOrId: first.info.id, overlap: 86_400)
        #expect(second.successor.info.expiresAt == nil, "a token that never expired has a successor that never expires")
        time.advance(by: 60)
        // A second rotation inside the overlap replaces both earlier tokens.
        let third = try await store.rotateSCIMToken(nameOrId: "okta", overlap: 0)
        #expect(Set(third.predecessors.map(\.id)) == [first.info.id, second.successor.info.id])
        #expect(try await store.authenticateSCIMToken(first.token) == nil)
        #expect(try await store.authenticateSCIMToken(second.successor.token) == nil)
        #expect(try await store.authenticateSCIMToken(third.successor.token) == third.successor.info.id)
    }

    @Test func rotatingAnUnknownRevokedOrExpiredNameIsNotFound() async throws {
        let time = ManualTime()
        let store = try IdentityDatabase.inMemory(logger: quietLogger, now: { time.now })
        let revoked = try await store.issueSCIMToken(name: "revoked")
        try await store.revokeSCIMToken(id: revoked.info.id)
        _ = try await store.issueSCIMToken(name: "expired", expiresAt: time.now.addingTimeInterval(1))
        time.advance(by: 1)
        for name in ["nobody", "revoked", "expired"] {
            let error = await #expect(throws: IdentityStoreError.self) {
                try await store.rotateSCIMToken(nameOrId: name, overlap: 60)
            }
            #expect(error?.code == .notFound, "\(name)")
        }
        let error = await #expect(throws: IdentityStoreError.self) {
            try await store.rotateSCIMToken(nameOrId: "revoked", overlap: -1)
        }
        #expect(error?.code == .invalidValue)
    }

    @Test func lastUseIsRecordedAtMostOncePerMinute() async throws {
        let time = ManualTime()
        let store = try IdentityDatabase.inMemory(logger: quietLogger, now: { time.now })
        let issued = try await store.issueSCIMToken(name: "okta")
        #expect(try await store.listSCIMTokens().first?.lastUsedAt == nil)

        let firstUse = time.now
        _ = try await store.authenticateSCIMToken(issued.token)
        #expect(try await store.listSCIMTokens().first?.lastUsedAt == firstUse)

        time.advance(by: IdentityDatabase.lastUseResolution - 1)
        _ = try await store.authenticateSCIMToken(issued.token)
        #expect(try await store.listSCIMTokens().first?.lastUsedAt == firstUse, "not rewritten within the minute")

        time.advance(by: 1)
        _ = try await store.authenticateSCIMToken(issued.token)
        #expect(try await store.listSCIMTokens().first?.lastUsedAt == time.now)

        // A wrong token records nothing.
        time.advance(by: 600)
        _ = try await store.authenticateSCIMToken(issued.token + "x")
        #expect(try await store.listSCIMTokens().first?.lastUsedAt == time.now.addingTimeInterval(-600))
    }
}

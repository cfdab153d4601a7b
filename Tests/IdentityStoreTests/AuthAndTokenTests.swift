import Foundation
import IdentityStore
import Testing

@Suite struct AuthAndTokenTests {
    @Test func identityCarriesEverythingTheCalloutNeeds() async throws {
        let store = try makeStore()
        let hash = try PasswordHasher.testing.hashSync("s3cret!")
        var input = userInput("carol", externalId: "ext", displayName: "Carol", nkeys: ["UB", "UA"],
                              tags: ["ops", "eu"])
        input.jwtLifetimeSeconds = 600
        let carol = try await store.createUser(input, passwordHash: hash)
        let subject = try #require(try store.identity(for: .userName("Carol")))
        #expect(subject.id == carol.id)
        #expect(subject.nkeys == ["UA", "UB"])
        #expect(subject.tags == ["ops", "eu"])
        #expect(subject.jwtLifetimeSeconds == 600)
        #expect(subject.displayName == "Carol")
        #expect(subject.active)
        let stored = try #require(subject.passwordHash)
        #expect(stored.hasPrefix("$argon2id$"))
        #expect(PasswordHasher.verifySync("s3cret!", hash: stored))
        #expect(!PasswordHasher.verifySync("wrong", hash: stored))
        #expect(try store.identity(for: .nkey("UA"))?.id == carol.id)
        #expect(try store.identity(for: .userName("nobody")) == nil)
    }

    @Test func versionChangesOnPasswordAndActiveChanges() async throws {
        let store = try makeStore()
        let user = try await store.createUser(userInput("dave"))
        let v1 = try #require(try store.identity(for: .id(user.id))).version
        let newHash = try await PasswordHasher.testing.hash("pw")
        _ = try await store.updateUser(id: user.id) { current in
            UserUpdate(input: userInput(current.userName), password: .set(hash: newHash))
        }
        let v2 = try #require(try store.identity(for: .id(user.id)))
        #expect(v2.version > v1)
        #expect(v2.passwordHash == newHash)
        _ = try await store.updateUser(id: user.id) { current in
            UserUpdate(input: userInput(current.userName, active: false))
        }
        let v3 = try #require(try store.identity(for: .id(user.id)))
        #expect(v3.version > v2.version)
        #expect(!v3.active)
        #expect(v3.passwordHash == newHash)  // .keep by default
    }

    @Test func changeSequenceIsMonotonicAndNamesTheUser() async throws {
        let store = try makeStore()
        #expect(try await store.latestChangeSequence() == 0)
        let u = try await store.createUser(userInput("eve"))
        _ = try await store.updateUser(id: u.id) { _ in UserUpdate(input: userInput("eve", active: false)) }
        try await store.deleteUser(id: u.id)
        let changes = try await store.changes(after: 0)
        #expect(changes.map(\.operation) == [.create, .update, .delete])
        #expect(changes.allSatisfy { $0.affectedUserId == u.id })
        #expect(zip(changes, changes.dropFirst()).allSatisfy { $0.seq < $1.seq })
        #expect(try await store.latestChangeSequence() == changes.last?.seq)
        #expect(try await store.changes(after: changes[0].seq, limit: 1).map(\.operation) == [.update])
    }

    @Test func scimTokensAreHashedRotatableAndRevocable() async throws {
        let store = try makeStore()
        let first = try await store.issueSCIMToken(name: "okta")
        let second = try await store.issueSCIMToken(name: "okta-rotated")
        #expect(first.token.hasPrefix("scimtok_"))
        #expect(!String(describing: first).contains(first.token))
        #expect(try await store.authenticateSCIMToken(first.token) == first.info.id)
        #expect(try await store.authenticateSCIMToken(second.token) == second.info.id)
        #expect(try await store.authenticateSCIMToken(first.token + "x") == nil)
        try await store.revokeSCIMToken(id: first.info.id)
        #expect(try await store.authenticateSCIMToken(first.token) == nil)
        #expect(try await store.authenticateSCIMToken(second.token) == second.info.id)
        let listed = try await store.listSCIMTokens()
        #expect(listed.map(\.name) == ["okta", "okta-rotated"])
        #expect(listed[0].revokedAt != nil && listed[1].revokedAt == nil)
        await #expect(throws: IdentityStoreError.self) { try await store.revokeSCIMToken(id: "nope") }
    }

    @Test func accessTokensResolveToTheirUserUntilRevokedOrExpired() async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let store = try IdentityDatabase.inMemory(logger: quietLogger, now: { now })
        let user = try await store.createUser(userInput("frank"))
        let token = try await store.issueAccessToken(userName: "FRANK", name: "laptop")
        #expect(token.token.hasPrefix("natstok_"))
        #expect(try store.identity(for: .accessTokenHash(SecretToken.hash(token.token)))?.id == user.id)
        #expect(try store.identity(for: .accessTokenHash(SecretToken.hash(token.token)))?.id == user.id)
        // The token's expiry travels with the subject (the callout caps the JWT at it); none here.
        #expect(try store.identity(for: .accessTokenHash(SecretToken.hash(token.token)))?.credentialExpiresAt == nil)
        let expiring = try await store.issueAccessToken(userName: "frank", name: "ci", expiresAt: now.addingTimeInterval(900))
        #expect(try store.identity(for: .accessTokenHash(SecretToken.hash(expiring.token)))?.credentialExpiresAt == now.addingTimeInterval(900))
        #expect(try store.identity(for: .userName("frank"))?.credentialExpiresAt == nil)
        let expired = try await store.issueAccessToken(userName: "frank", name: "old",
                                                       expiresAt: now.addingTimeInterval(-1))
        #expect(try store.identity(for: .accessTokenHash(SecretToken.hash(expired.token))) == nil)
        try await store.revokeAccessToken(id: token.info.id)
        #expect(try store.identity(for: .accessTokenHash(SecretToken.hash(token.token))) == nil)
        #expect(try await store.listAccessTokens(userName: "frank").count == 3)
        await #expect(throws: IdentityStoreError.self) {
            _ = try await store.issueAccessToken(userName: "nobody", name: "x")
        }
    }

    @Test func constantTimeCompare() {
        #expect(SecretToken.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!SecretToken.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!SecretToken.constantTimeEquals([1, 2], [1, 2, 3]))
        #expect(!SecretToken.constantTimeEquals([], []))
    }
}

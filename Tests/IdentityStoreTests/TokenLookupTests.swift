import Foundation
import Testing
import TestSupport
@testable import IdentityStore

/// The lookups a token login's claim mapping uses: by `externalId` (exact) and by email
/// (caseless), each naming a user only when exactly one user has the value.
@Suite struct TokenLookupTests {
    static func user(_ name: String, externalId: String? = nil, emails: [String] = []) -> UserInput {
        UserInput(userName: name, externalId: externalId, emails: emails, resource: #"{"userName":"\#(name)"}"#)
    }

    @Test func externalIdAndEmailFindExactlyOneUser() async throws {
        let store = try IdentityDatabase.inMemory(logger: quietLogger)
        let alice = try await store.createUser(Self.user("alice", externalId: "00000000-aaaa", emails: ["Alice@Example.com"]))
        _ = try await store.createUser(Self.user("bob", externalId: "00000000-bbbb", emails: ["bob@example.com"]))

        #expect(try store.identity(for: .externalID("00000000-aaaa"))?.id == alice.id)
        #expect(try store.identity(for: .externalID("00000000-AAAA")) == nil, "externalId is matched exactly")
        #expect(try store.identity(for: .email("alice@EXAMPLE.com"))?.id == alice.id, "emails are matched caselessly")
        #expect(try store.identity(for: .email("nobody@example.com")) == nil)

        // A second user with the same externalId or email: the value names nobody.
        _ = try await store.createUser(Self.user("mallory", externalId: "00000000-aaaa", emails: ["alice@example.com"]))
        #expect(try store.identity(for: .externalID("00000000-aaaa")) == nil)
        #expect(try store.identity(for: .email("alice@example.com")) == nil)
        #expect(try store.identity(for: .externalID("00000000-bbbb"))?.userName == "bob")
    }
}

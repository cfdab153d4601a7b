import Testing
@testable import AuthCallout

@Suite("Credential cache")
struct CredentialCacheTests {
    @Test func hitsOnlyTheSameUserVersionAndPassword() {
        let cache = CredentialCache(capacity: 10)
        cache.insert(userID: "u1", version: 3, password: "s3cret")
        #expect(cache.contains(userID: "u1", version: 3, password: "s3cret"))
        #expect(!cache.contains(userID: "u1", version: 3, password: "s3cret "))
        #expect(!cache.contains(userID: "u2", version: 3, password: "s3cret"))
        // Any change to the user bumps its version: the old entry can never match again.
        #expect(!cache.contains(userID: "u1", version: 4, password: "s3cret"))
    }

    @Test func fieldsCannotBeShiftedIntoEachOther() {
        let cache = CredentialCache(capacity: 10)
        cache.insert(userID: "ab", version: 1, password: "c")
        #expect(!cache.contains(userID: "a", version: 1, password: "bc"))
    }

    @Test func evictsTheLeastRecentlyUsed() {
        let cache = CredentialCache(capacity: 3)
        for user in ["a", "b", "c"] { cache.insert(userID: user, version: 1, password: "p") }
        #expect(cache.contains(userID: "a", version: 1, password: "p")) // a is now most recent
        cache.insert(userID: "d", version: 1, password: "p")             // evicts b
        #expect(cache.count == 3)
        #expect(!cache.contains(userID: "b", version: 1, password: "p"))
        #expect(cache.contains(userID: "a", version: 1, password: "p"))
        #expect(cache.contains(userID: "c", version: 1, password: "p"))
        #expect(cache.contains(userID: "d", version: 1, password: "p"))
    }

    @Test func staysBoundedUnderChurn() {
        let cache = CredentialCache(capacity: 100)
        for index in 0 ..< 5_000 { cache.insert(userID: "u\(index % 700)", version: Int64(index), password: "p\(index)") }
        #expect(cache.count == 100)
        #expect(cache.contains(userID: "u\(4_999 % 700)", version: 4_999, password: "p4999"))
        #expect(!cache.contains(userID: "u0", version: 0, password: "p0"))
    }

    @Test func keysDifferBetweenProcessesInstances() {
        // The hash key is random per cache: an entry's key reveals nothing reusable elsewhere.
        let one = CredentialCache(capacity: 1), two = CredentialCache(capacity: 1)
        #expect(one.key(userID: "u", version: 1, password: "p") != two.key(userID: "u", version: 1, password: "p"))
        #expect(one.key(userID: "u", version: 1, password: "p") == one.key(userID: "u", version: 1, password: "p"))
    }

    @Test func disabledCacheNeverHits() {
        let cache = CredentialCache(capacity: 0)
        cache.insert(userID: "u", version: 1, password: "p")
        #expect(!cache.contains(userID: "u", version: 1, password: "p"))
    }
}

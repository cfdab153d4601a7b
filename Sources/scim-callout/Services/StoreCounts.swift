import IdentityStore

/// Row counts for the `store_rows{table}` gauges, read when `/metrics` is scraped.
enum StoreCounts {
    static func read(_ database: IdentityDatabase) async throws -> [String: Int] {
        [
            "users": try await database.userCount(),
            "groups": try await database.groups(startIndex: 1, count: 1).totalResults,
            "scim_tokens": try await database.listSCIMTokens().count,
            "access_tokens": try await database.listAccessTokens().count,
        ]
    }
}

import IdentityStore

/// Row counts for the `store_rows{table}` gauges, read when `/metrics` is scraped.
enum StoreCounts {
    static func read(_ database: IdentityDatabase) async throws -> [String: Int] {
        ["users": try await database.userCount()]
    }
}

import ArgumentParser
import IdentityStore

/// `--start`, `--count` and `--json` for list commands.
struct PageOptions: ParsableArguments {
    @Option(help: "1-based index of the first row.")
    var start = 1

    @Option(help: "Rows to show.")
    var count = 100

    @Flag(help: "JSON lines instead of a table.")
    var json = false

    func validate() throws {
        if start < 1 { throw ValidationError("--start must be 1 or more") }
        if count < 1 || count > 10_000 { throw ValidationError("--count must be between 1 and 10000") }
    }
}

extension PageOptions {
    /// Prints one page of `noun` from the store as a table (or JSON lines), the list views'
    /// common shape; after a table, how many of how many rows were shown.
    /// - Parameters:
    ///   - fetch: reads the page that starts at the 1-based index and holds at most the count.
    ///   - row: one item's cells, in `header`'s order.
    func list<Item>(
        _ noun: String,
        from options: ConfigOptions,
        header: [String],
        fetch: (IdentityDatabase, _ start: Int, _ count: Int) async throws -> QueryPage<Item>,
        row: (IdentityDatabase, Item) async throws -> [String]
    ) async throws {
        try await reportingErrors {
            let database = try StoreAccess.open(try options.load())
            let (result, rows) = try await StoreAccess.mapErrors {
                let result = try await fetch(database, start, count)
                var rows: [[String]] = []
                for item in result.items { rows.append(try await row(database, item)) }
                return (result, rows)
            }
            Table.print(header: header, rows: rows, json: json)
            if !json { print("\(result.items.count) of \(result.totalResults) \(noun)") }
        }
    }
}

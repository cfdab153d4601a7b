import GRDB

/// A row of the `decisions` table as read from the file (a `Sendable` copy of GRDB's `Row`).
struct DecisionRow: Sendable, Equatable {
    let columns: [String: DatabaseValue]

    init(_ row: Row) {
        columns = Dictionary(row.columnNames.map { ($0, row[$0] as DatabaseValue) }, uniquingKeysWith: { first, _ in first })
    }

    /// The column's value, nil when it is NULL or not of type `T`.
    subscript<T: DatabaseValueConvertible>(_ column: String) -> T? {
        T.fromDatabaseValue(columns[column] ?? .null)
    }

    var seq: Int64 { self["seq"] ?? 0 }
    var id: String { self["id"] ?? "" }
}

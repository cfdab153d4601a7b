import Foundation
import GRDB
import GRDBSQLite

/// Binds one row's values to a prepared INSERT by position and runs it, through SQLite's C API.
///
/// For the `decisions` table's batches only: every decision is a row, and converting each value
/// to an existential and then to a `DatabaseValue` (GRDB's `StatementArguments`) cost more than
/// the insert. Values are copied by SQLite (`SQLITE_TRANSIENT`), so nothing outlives the call.
struct RowBinding {
    private let statement: SQLiteStatement
    private var index: Int32 = 0
    /// The first bind that SQLite refused (out of memory, too big), reported by ``execute(in:)``
    /// instead of storing the row without that value.
    private var failedBind: (index: Int32, code: Int32)?

    init(_ statement: SQLiteStatement) {
        self.statement = statement
    }

    /// Binds text; a NUL in it becomes U+FFFD (SQLite hands text back as C strings, so a claimed
    /// name `alice\0x` would otherwise read back as `alice`; the log line keeps it escaped).
    mutating func bind(_ text: String?) {
        bind(text.map(Self.replacingNUL)) { statement, index, text in
            var text = text
            return text.withUTF8 { utf8 in
                // An empty string's buffer may have no address, and a null pointer would bind NULL.
                guard let base = utf8.baseAddress else {
                    return sqlite3_bind_text(statement, index, "", 0, Self.transient)
                }
                return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { characters in
                    sqlite3_bind_text(statement, index, characters, Int32(utf8.count), Self.transient)
                }
            }
        }
    }

    mutating func bind(_ number: Int64?) {
        bind(number) { sqlite3_bind_int64($0, $1, $2) }
    }

    mutating func bind(_ number: Double?) {
        bind(number) { sqlite3_bind_double($0, $1, $2) }
    }

    /// Binds the next parameter: NULL for nil, else through `bindValue` (which returns SQLite's code).
    private mutating func bind<Value>(_ value: Value?, _ bindValue: (SQLiteStatement, Int32, Value) -> Int32) {
        index += 1
        let code = value.map { bindValue(statement, index, $0) } ?? sqlite3_bind_null(statement, index)
        if code != SQLITE_OK, failedBind == nil { failedBind = (index, code) }
    }

    /// Runs the statement once with the bound values and resets it for the next row.
    func execute(in db: Database) throws {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        if let failedBind {
            throw DatabaseError(resultCode: ResultCode(rawValue: failedBind.code),
                                message: "cannot bind parameter \(failedBind.index) of a decisions row")
        }
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: db.lastErrorMessage ?? "sqlite3_step failed")
        }
    }

    static func replacingNUL(_ text: String) -> String {
        // memchr over the string's own bytes: every text value of every row is scanned.
        let hasNUL = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false
        } ?? text.utf8.contains(0)
        guard hasNUL else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(scalar == "\u{0}" ? "\u{FFFD}" : scalar) }
        return String(scalars)
    }

    /// Tells SQLite to copy a bound value before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

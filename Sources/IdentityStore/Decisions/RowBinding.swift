import Foundation
import GRDB
import GRDBSQLite
import JSON

/// Binds rows' values to a prepared INSERT by position and runs it, through SQLite's C API.
///
/// For the `decisions` table's batches only: every decision is a row, and converting each value
/// to an existential and then to a `DatabaseValue` (GRDB's `StatementArguments`) cost more than
/// the insert. One binding serves a whole batch: a row's text values are gathered in one buffer
/// of its own, kept from row to row, and bound without a copy (`SQLITE_STATIC`) for the step
/// that stores them; SQLite's own copy of each value (`SQLITE_TRANSIENT`) was a malloc and a
/// free per value. Nothing bound outlives ``execute(in:)``: it clears the bindings.
struct RowBinding {
    private let statement: SQLiteStatement
    private var index: Int32 = 0
    /// The first bind that SQLite refused (out of memory, too big), reported by ``execute(in:)``
    /// instead of storing the row without that value.
    private var failedBind: (index: Int32, code: Int32)?
    /// The current row's text values, one after another, after one unused byte (so the buffer
    /// always has an address, which an empty value is bound to).
    private var text: [UInt8]
    /// Where each text value of the current row lies in `text`, by parameter.
    private var textValues: [(index: Int32, start: Int, count: Int)]

    init(_ statement: SQLiteStatement) {
        self.statement = statement
        text = [0]
        text.reserveCapacity(1_024)
        textValues = []
        textValues.reserveCapacity(32)
    }

    /// Binds text; a NUL in it becomes U+FFFD (SQLite hands text back as C strings, so a claimed
    /// name `alice\0x` would otherwise read back as `alice`; the log line keeps it escaped).
    mutating func bind(_ value: String?) {
        guard let value else { return bindNull() }
        index += 1
        let start = text.count
        Self.append(value, replacingNULTo: &text)
        textValues.append((index, start, text.count - start))
    }

    /// Binds `strings` as a JSON array of strings (`granted_by`), written into the row's text:
    /// the same text `DecisionStore.jsonStringArray` returns, without making a `String` of it.
    mutating func bindJSONStringArray(_ strings: [String]) {
        index += 1
        let start = text.count
        if strings.isEmpty {
            text.append(UInt8(ascii: "["))
            text.append(UInt8(ascii: "]"))
        } else {
            var json = JSONWriter(dialect: .minimal, capacity: 64)
            json.stringArray(strings)
            // JSON escapes a NUL (`\u0000`): there is none to replace.
            text.append(contentsOf: json.finished())
        }
        textValues.append((index, start, text.count - start))
    }

    mutating func bind(_ number: Int64?) {
        guard let number else { return bindNull() }
        index += 1
        check(sqlite3_bind_int64(statement, index, number), index: index)
    }

    mutating func bind(_ number: Double?) {
        guard let number else { return bindNull() }
        index += 1
        check(sqlite3_bind_double(statement, index, number), index: index)
    }

    private mutating func bindNull() {
        index += 1
        check(sqlite3_bind_null(statement, index), index: index)
    }

    /// Keeps the refused bind of the lowest parameter (text is bound after the numbers).
    private mutating func check(_ code: Int32, index: Int32) {
        if code != SQLITE_OK, failedBind.map({ index < $0.index }) ?? true { failedBind = (index, code) }
    }

    /// Runs the statement once with the bound values, then resets it (and this binding) for the
    /// next row.
    mutating func execute(in db: Database) throws {
        defer {
            sqlite3_reset(statement)
            // The text bound below is not kept past this call.
            sqlite3_clear_bindings(statement)
            index = 0
            failedBind = nil
            text.removeSubrange(1...)
            textValues.removeAll(keepingCapacity: true)
        }
        var failed = failedBind
        let statement = statement, textValues = textValues
        let code = text.withUnsafeBufferPointer { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return SQLITE_MISUSE }
            for value in textValues {
                let code = (base + value.start).withMemoryRebound(to: CChar.self, capacity: max(value.count, 1)) { characters in
                    // nil: SQLITE_STATIC, the bytes stay put until the step below.
                    sqlite3_bind_text(statement, value.index, characters, Int32(clamping: value.count), nil)
                }
                if code != SQLITE_OK, failed.map({ value.index < $0.index }) ?? true { failed = (value.index, code) }
            }
            guard failed == nil else { return nil }
            return sqlite3_step(statement)
        }
        if let failed {
            throw DatabaseError(resultCode: ResultCode(rawValue: failed.code),
                                message: "cannot bind parameter \(failed.index) of a decisions row")
        }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code ?? SQLITE_MISUSE),
                                message: db.lastErrorMessage ?? "sqlite3_step failed")
        }
    }

    /// Appends the UTF-8 of `value` to `bytes`, each NUL as U+FFFD.
    static func append(_ value: String, replacingNULTo bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            // memchr over the string's own bytes: every text value of every row is scanned.
            guard let base = utf8.baseAddress, memchr(base, 0, utf8.count) != nil else {
                bytes.append(contentsOf: utf8)
                return
            }
            // In UTF-8 a zero byte is only ever U+0000 itself.
            for byte in utf8 {
                if byte == 0 { bytes.append(contentsOf: [0xEF, 0xBF, 0xBD]) } else { bytes.append(byte) }
            }
        }
    }
}

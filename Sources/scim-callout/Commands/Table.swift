import Foundation

/// Plain-text tables (aligned columns) or JSON lines, for the read-only commands.
///
/// Text cells are escaped (``DisplayText``) and cut at ``cellLimit`` characters, so a hostile
/// name can neither forge a row nor push the columns apart; JSON lines carry the values whole.
enum Table {
    /// The longest a cell is shown in a text table (SCIM ids are 36 characters).
    static let cellLimit = 48

    static func print(header: [String], rows: [[String]], json: Bool) {
        if json {
            let keys = header.map { $0.lowercased() }
            for row in rows {
                let object = Dictionary(uniqueKeysWithValues: zip(keys, row))
                if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                    Swift.print(String(decoding: data, as: UTF8.self))
                }
            }
            return
        }
        for line in lines(header: header, rows: rows) { Swift.print(line) }
    }

    /// The text table's lines: the header, then the rows, cells escaped and cut.
    static func lines(header: [String], rows: [[String]]) -> [String] {
        let rows = rows.map { $0.map { DisplayText.cell($0, limit: cellLimit) } }
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return [line(header)] + rows.map(line)
    }

    /// `2026-11-29T03:04:05Z`
    static func time(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

/// Writes a note for people to standard error (stdout stays machine-readable).
func printNote(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

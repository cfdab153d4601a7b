import AuthCallout
import Foundation
import JSON
import Logging
import SCIM

/// Builds one JSON object as a single line of UTF-8, for ``JSONLogHandler``.
///
/// Strings are escaped in ``JSONWriter``'s `.lineSafe` dialect: what RFC 8259 requires, plus
/// U+2028 and U+2029 so a line can be pasted into JavaScript; no raw newline can end up in a line.
struct JSONLineEncoder {
    /// Fields the handler writes itself; metadata with these keys is left out (four short
    /// strings: a linear look beats hashing the key).
    static let fixedFields: [String] = ["ts", "level", "logger", "msg"]

    private var writer: JSONWriter

    init() {
        writer = JSONWriter(dialect: .lineSafe, capacity: 1_024)
        writer.beginObject()
    }

    mutating func field(_ key: String, string: String) {
        writer.key(key)
        writer.string(string)
    }

    mutating func field(_ key: String, value: Logger.Metadata.Value) {
        writer.key(key)
        Self.write(value, to: &writer)
    }

    mutating func field(_ key: String, value: LogFieldValue) {
        writer.key(key)
        switch value {
        case let .string(text): writer.string(text)
        case let .strings(texts): writer.stringArray(texts)
        }
    }

    /// The object, closed, with the line's `\n` (closed in place: no copy of the line).
    consuming func finish() -> [UInt8] {
        writer.endObject()
        var bytes = writer.finished()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    private static func write(_ value: Logger.Metadata.Value, to writer: inout JSONWriter) {
        switch value {
        case .string(let text):
            writer.string(text)
        case .stringConvertible(let convertible):
            writer.string(convertible.description)
        case .array(let items):
            writer.beginArray()
            for item in items { write(item, to: &writer) }
            writer.endArray()
        case .dictionary(let dictionary):
            writer.beginObject()
            for key in dictionary.keys.sorted() {
                guard let item = dictionary[key] else { continue }
                writer.key(key)
                write(item, to: &writer)
            }
            writer.endObject()
        }
    }

    /// `2026-11-29T05:59:01.123Z`: ISO 8601, UTC, milliseconds, without a formatter object.
    static func timestamp(_ date: Date) -> String {
        SCIMDateTime.format(date)
    }
}

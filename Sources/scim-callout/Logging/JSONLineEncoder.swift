import AuthCallout
import Foundation
import Logging
import SCIM

/// Builds one JSON object as a single line of UTF-8, for ``JSONLogHandler``.
///
/// Strings are escaped as RFC 8259 requires (quote, backslash, control characters), plus U+2028
/// and U+2029 so a line can be pasted into JavaScript; no raw newline can end up in a line.
struct JSONLineEncoder {
    /// Fields the handler writes itself; metadata with these keys is left out (four short
    /// strings: a linear look beats hashing the key).
    static let fixedFields: [String] = ["ts", "level", "logger", "msg"]

    private var bytes: [UInt8]
    private var isEmpty = true

    init() {
        bytes = [UInt8(ascii: "{")]
        bytes.reserveCapacity(512)
    }

    mutating func field(_ key: String, string: String) {
        separator()
        Self.append(string: key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(string: string, to: &bytes)
    }

    mutating func field(_ key: String, value: Logger.Metadata.Value) {
        separator()
        Self.append(string: key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(value: value, to: &bytes)
    }

    mutating func field(_ key: String, value: LogFieldValue) {
        separator()
        Self.append(string: key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        switch value {
        case let .string(text):
            Self.append(string: text, to: &bytes)
        case let .strings(texts):
            bytes.append(UInt8(ascii: "["))
            for (index, text) in texts.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.append(string: text, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }
    }

    /// The object, closed, with the line's `\n` (closed in place: no copy of the line).
    consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    private mutating func separator() {
        if !isEmpty { bytes.append(UInt8(ascii: ",")) }
        isEmpty = false
    }

    private static func append(value: Logger.Metadata.Value, to bytes: inout [UInt8]) {
        switch value {
        case .string(let text):
            append(string: text, to: &bytes)
        case .stringConvertible(let convertible):
            append(string: convertible.description, to: &bytes)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                append(value: item, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                append(string: key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                if let item = dictionary[key] { append(value: item, to: &bytes) }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func append(string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        // Native strings are contiguous UTF-8: scan the bytes through a pointer (indexing the
        // UTF-8 view byte by byte cost more than the rest of a decision's log line).
        string.withUTF8 { utf8 in appendEscaped(utf8, to: &bytes) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Copies runs of bytes that need no escaping at once; only the rare bytes that do (and the
    /// three-byte sequences of U+2028/U+2029) are written one by one.
    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        var runStart = 0
        var index = 0
        let count = utf8.count
        while index < count {
            let byte = utf8[index]
            let escape: [UInt8]?
            switch byte {
            case UInt8(ascii: "\""): escape = Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): escape = Array(#"\\"#.utf8)
            case UInt8(ascii: "\n"): escape = Array(#"\n"#.utf8)
            case UInt8(ascii: "\r"): escape = Array(#"\r"#.utf8)
            case UInt8(ascii: "\t"): escape = Array(#"\t"#.utf8)
            case 0x00 ..< 0x20: escape = [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            case 0xE2 where index + 2 < count && utf8[index + 1] == 0x80 && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                // U+2028 and U+2029 are E2 80 A8 / E2 80 A9.
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart ..< index]))
                bytes.append(contentsOf: Array((utf8[index + 2] == 0xA8 ? #"\u2028"# : #"\u2029"#).utf8))
                index += 3
                runStart = index
                continue
            default: escape = nil
            }
            if let escape {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart ..< index]))
                bytes.append(contentsOf: escape)
                runStart = index + 1
            }
            index += 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart ..< count]))
    }

    /// `2026-11-29T05:59:01.123Z`: ISO 8601, UTC, milliseconds, without a formatter object.
    static func timestamp(_ date: Date) -> String {
        SCIMDateTime.format(date)
    }
}

import Foundation

/// Decodes the JSON arrays of strings the store keeps in text columns (`users.tags`).
///
/// The auth read decodes `tags` on every connect; most users have none (`[]`), and the rest
/// are short arrays of plain strings. Those are parsed by hand; anything else (a `\u` escape,
/// odd whitespace, invalid JSON) goes to `JSONDecoder`, so the result is always what
/// `JSONDecoder().decode([String].self, …)` returns, with `[]` for invalid input.
enum JSONStringArray {
    static func decode(_ text: String) -> [String] {
        if text == "[]" { return [] }
        if let strings = fastDecode(text) { return strings }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    /// `["a","b\"c"]` without whitespace and without `\u` escapes, or nil.
    static func fastDecode(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "["), bytes[bytes.count - 1] == UInt8(ascii: "]") else { return nil }
        var result: [String] = []
        var index = 1
        let end = bytes.count - 1
        if index == end { return [] }
        while true {
            guard index < end, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            var value: [UInt8] = []
            while true {
                guard index < end else { return nil }
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { break }
                if byte < 0x20 { return nil }
                guard byte == UInt8(ascii: "\\") else { value.append(byte); continue }
                guard index < end else { return nil }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): value.append(escaped)
                case UInt8(ascii: "b"): value.append(0x08)
                case UInt8(ascii: "f"): value.append(0x0C)
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "r"): value.append(0x0D)
                case UInt8(ascii: "t"): value.append(0x09)
                default: return nil // `\u` and invalid escapes: leave them to JSONDecoder
                }
            }
            // The column is always valid UTF-8 from our own encoder; refuse rather than repair.
            guard let string = String(validating: value, as: UTF8.self) else { return nil }
            result.append(string)
            if index == end { return result }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }
}

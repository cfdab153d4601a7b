import Foundation
import JSON

/// Decodes the JSON arrays of strings the store keeps in text columns (`users.tags`).
///
/// The auth read decodes `tags` on every connect, so the package's byte reader reads them; what
/// it refuses (invalid JSON, and the odd input `JSONDecoder` accepts, such as a trailing comma)
/// goes to `JSONDecoder`, so the result is always what `JSONDecoder().decode([String].self, …)`
/// returns, with `[]` for invalid input.
enum JSONStringArray {
    static func decode(_ text: String) -> [String] {
        // Most users have no tags.
        if text == "[]" { return [] }
        var text = text
        let strings = text.withUTF8 { utf8 -> [String]? in
            var reader = JSONReader(utf8)
            do throws(JSONDecodingError) {
                let strings = try reader.readStringArray()
                try reader.expectEnd()
                return strings
            } catch {
                return nil
            }
        }
        if let strings { return strings }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

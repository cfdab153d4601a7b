import JSON

/// Decodes the JSON arrays of strings the store keeps in text columns (`users.tags`).
///
/// The auth read decodes `tags` on every connect, so this reads bytes directly; the result is
/// what `JSONDecoder().decode([String].self, …)` returns, with `[]` for invalid input.
enum JSONStringArray {
    static func decode(_ text: String) -> [String] {
        // Most users have no tags.
        if text == "[]" { return [] }
        var text = text
        return text.withUTF8 { utf8 in
            var reader = JSONReader(utf8)
            do throws(JSONDecodingError) {
                let strings = try reader.readStringArray()
                try reader.expectEnd()
                return strings
            } catch {
                return []
            }
        }
    }
}

/// Writes JSON exactly as Go's `encoding/json` does for the standard claims, so `jti` hashes
/// match nats-io/jwt byte for byte: members in the order added, `omitempty` semantics, and
/// Go's HTML-safe string escaping (`<`, `>`, `&`, U+2028, U+2029 as `\u` escapes).
enum GoJSON {
    struct Object {
        private var writer: JSONWriter

        init() {
            writer = JSONWriter(dialect: .go, capacity: 256)
            writer.beginObject()
        }

        /// Adds `"name":"value"` unless the value is nil or empty (`omitempty`).
        mutating func add(_ name: StaticString, string value: String?) {
            guard let value, !value.isEmpty else { return }
            writer.key(name)
            writer.string(value)
        }

        /// Adds `"name":value` unless the value is nil or zero (`omitempty`).
        mutating func add(_ name: StaticString, integer value: Int64?) {
            guard let value, value != 0 else { return }
            writer.key(name)
            writer.integer(value)
        }

        var finished: [UInt8] {
            var copy = writer
            copy.endObject()
            return copy.bytes
        }
    }
}

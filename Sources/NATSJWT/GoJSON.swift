/// Writes JSON exactly as Go's `encoding/json` does for the standard claims, so `jti` hashes
/// match nats-io/jwt byte for byte: members in the order added, `omitempty` semantics, and
/// Go's HTML-safe string escaping (`<`, `>`, `&`, U+2028, U+2029 as `\u` escapes).
enum GoJSON {
    struct Object {
        private var bytes: [UInt8] = [UInt8(ascii: "{")]
        private var isEmpty = true

        /// Adds `"name":"value"` unless the value is nil or empty (`omitempty`).
        mutating func add(_ name: String, string value: String?) {
            guard let value, !value.isEmpty else { return }
            key(name)
            GoJSON.appendString(value, to: &bytes)
        }

        /// Adds `"name":value` unless the value is nil or zero (`omitempty`).
        mutating func add(_ name: String, integer value: Int64?) {
            guard let value, value != 0 else { return }
            key(name)
            bytes.append(contentsOf: String(value).utf8)
        }

        private mutating func key(_ name: String) {
            if !isEmpty { bytes.append(UInt8(ascii: ",")) }
            isEmpty = false
            GoJSON.appendString(name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }

        var finished: [UInt8] { bytes + [UInt8(ascii: "}")] }
    }

    static func appendString(_ value: String, to bytes: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(UInt8(ascii: "\""))
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": bytes.append(contentsOf: Array(#"\""#.utf8))
            case "\\": bytes.append(contentsOf: Array(#"\\"#.utf8))
            case "\n": bytes.append(contentsOf: Array(#"\n"#.utf8))
            case "\r": bytes.append(contentsOf: Array(#"\r"#.utf8))
            case "\t": bytes.append(contentsOf: Array(#"\t"#.utf8))
            case "\u{08}": bytes.append(contentsOf: Array(#"\b"#.utf8))
            case "\u{0C}": bytes.append(contentsOf: Array(#"\f"#.utf8))
            case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{00}"..."\u{1F}":
                let v = scalar.value
                bytes.append(contentsOf: Array(#"\u"#.utf8))
                for shift in [12, 8, 4, 0] { bytes.append(hex[Int((v >> UInt32(shift)) & 0xF)]) }
            default:
                bytes.append(contentsOf: Array(String(scalar).utf8))
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

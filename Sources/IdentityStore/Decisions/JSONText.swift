/// JSON string literals written by hand, for the few places that write JSON per decision (the
/// `granted_by` column, the text form of a decision's log fields), where a `JSONEncoder` per
/// value would cost more than the rest of the work. Escapes what RFC 8259 requires.
package enum JSONText {
    package static func appendString(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{00}" ..< "\u{20}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    package static func appendArray(_ strings: [String], to out: inout String) {
        out += "["
        for (index, string) in strings.enumerated() {
            if index > 0 { out += "," }
            appendString(string, to: &out)
        }
        out += "]"
    }
}

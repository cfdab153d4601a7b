/// Text that came from a client or an IdP (user and group names, client names and hosts, token
/// names), made safe for a person reading a terminal.
///
/// A raw newline, carriage return, ANSI escape or bidi override in a name could forge a row of
/// a table or disguise one, so every control, format and line-separator character is shown as
/// an escape instead (`\n`, `\u{1B}`, `\u{202E}`), and a backslash as `\\` so an escape in the
/// output always means one in the value. JSON outputs need none of this: JSON escapes them.
enum DisplayText {
    /// The marker that ends a value cut short in a table.
    static let truncationMarker = "…"

    /// `value` with every character a terminal would act on, or that hides text, escaped visibly.
    static func escaped(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: needsEscape) else { return value }
        var result = ""
        result.reserveCapacity(value.utf8.count + 8)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where needsEscape(scalar): result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// ``escaped(_:)``, cut to at most `limit` characters with ``truncationMarker`` at the end
    /// when longer, for a table cell.
    static func cell(_ value: String, limit: Int) -> String {
        let shown = escaped(value)
        guard limit > 0, shown.count > limit else { return shown }
        return String(shown.prefix(max(0, limit - truncationMarker.count))) + truncationMarker
    }

    /// Controls (C0, DEL, C1), format characters (bidi overrides and isolates, zero-width ones,
    /// the byte-order mark) and the Unicode line and paragraph separators; and the backslash,
    /// which introduces the escapes.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\\" { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }
}

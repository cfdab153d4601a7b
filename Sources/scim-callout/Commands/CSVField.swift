/// One RFC 4180 CSV field, safe to open in a spreadsheet.
///
/// A value with a comma, quote, CR or LF is quoted with inner quotes doubled. A value a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a CR) gets a
/// leading `'`, the OWASP "CSV injection" defence: group and user names come from the IdP.
enum CSVField {
    static func encode(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record: the fields joined by commas, ended by CRLF (RFC 4180).
    static func record(_ fields: [String]) -> String {
        fields.map(encode).joined(separator: ",") + "\r\n"
    }
}

import Foundation
import SCIM

/// The media types a SCIM request body is read as: `application/scim+json` (RFC 7644 §8.1) and
/// `application/json` (§3.1 lets clients send it), with any parameters; a `charset`, when given,
/// must be UTF-8, the only encoding JSON may be exchanged in (RFC 8259 §8.1).
enum SCIMMediaType {
    /// The accepted types, compared without case.
    static let accepted = ["application/scim+json", "application/json"]

    /// Refuses a body whose `Content-Type` header is missing or names anything else.
    /// - Throws: a 415 ``SCIMError`` naming what was received and what is accepted.
    static func check(contentType: String?) throws(SCIMError) {
        guard let contentType else {
            throw .unsupportedMediaType("the request body has no Content-Type; \(acceptedText)")
        }
        var parts = contentType.split(separator: ";", omittingEmptySubsequences: false)
        let type = parts.removeFirst().trimmingCharacters(in: .whitespaces).lowercased()
        let charset = parts.lazy.compactMap(parameter).first { $0.name == "charset" }?.value
        guard accepted.contains(type), charset == nil || charset == "utf-8" else {
            // A header is not a secret, but it is unbounded: quote only its start.
            throw .unsupportedMediaType("Content-Type '\(contentType.prefix(100))' is not supported; \(acceptedText)")
        }
    }

    private static var acceptedText: String {
        "send application/scim+json or application/json, in UTF-8 if a charset is given"
    }

    /// A `name=value` parameter, the name lowercased, a quoted value unquoted and lowercased.
    private static func parameter(_ text: Substring) -> (name: String, value: String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let name = text[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        var value = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        return (name, value.lowercased())
    }
}

import Foundation

/// Base64url without padding (RFC 4648 §5): JWT segments and nonce signatures.
package enum Base64URL {
    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.last == "=" { text.removeLast() }
        return text
    }

    /// Strict: nil for text outside the base64url alphabet (padding included) or an impossible length.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard text.utf8.allSatisfy({ isURLAlphabet($0) }) else { return nil }
        return decodeAny(text)
    }

    /// Lenient: standard or URL alphabet, with or without padding, as nats-server accepts nonce
    /// signatures (nats.go sends base64url, nats-py standard base64 with padding).
    package static func decodeAny(_ text: some StringProtocol) -> [UInt8]? {
        var body = Substring(text)
        while body.last == "=" { body.removeLast() }
        guard body.utf8.count % 4 != 1,
              body.utf8.allSatisfy({ isURLAlphabet($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/") })
        else { return nil }
        var padded = body.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        padded += String(repeating: "=", count: (4 - padded.utf8.count % 4) % 4)
        return Data(base64Encoded: padded).map(Array.init)
    }

    private static func isURLAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }
}

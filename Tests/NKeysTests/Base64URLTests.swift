import Foundation
import Testing
import TestSupport
@testable import NKeys

@Suite struct Base64URLTests {
    @Test func matchesFoundationForEveryLengthAndByte() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }
            let standard = Data(bytes).base64EncodedString()
            let url = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == url)
            #expect(Base64URL.decode(url) == bytes)
            #expect(Base64URL.decodeAny(url) == bytes)
            #expect(Base64URL.decodeAny(standard) == bytes)
        }
    }

    @Test(arguments: ["A", "AB=", "AB+C", "AB/C", "A B", "AB==", "AF"])
    func strictDecodingRefusesForeignText(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func lenientDecodingStillRefusesGarbage() {
        #expect(Base64URL.decodeAny("A") == nil)
        #expect(Base64URL.decodeAny("A*BC") == nil)
        #expect(Base64URL.decodeAny("AB+/") == [0x00, 0x1F, 0xBF])
    }
}

/// The table-driven codec against the straightforward bit-buffer codec it replaced, on seeded
/// random text: same bytes for every accepted input, same refusals for every rejected one.
@Suite struct Base64URLReferenceTests {
    /// The previous implementation, kept as the reference.
    private static func referenceDecode(_ utf8: [UInt8], allowStandard: Bool) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        guard utf8.count % 4 != 1 else { return nil }
        var output = [UInt8]()
        var buffer: UInt32 = 0
        var bits = 0
        for char in utf8 {
            var value: Int?
            if let index = alphabet.firstIndex(of: char) { value = index }
            if allowStandard, char == UInt8(ascii: "+") { value = 62 }
            if allowStandard, char == UInt8(ascii: "/") { value = 63 }
            guard let value else { return nil }
            buffer = (buffer << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }

    @Test func decodingMatchesTheReferenceOnRandomText() {
        var generator = SeededGenerator(seed: 11)
        let characters = Array("AQgw_-+/=Zz09 .\u{7F}".utf8) + [0x00, 0x80, 0xFF]
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...12, using: &generator)
            let text = (0..<length).map { _ in characters.randomElement(using: &generator) ?? 0 }
            #expect(Base64URL.decode(utf8: text) == Self.referenceDecode(text, allowStandard: false), "\(text)")
            var trimmed = text
            while trimmed.last == UInt8(ascii: "=") { trimmed.removeLast() }
            if let string = String(validating: text, as: UTF8.self) {
                #expect(Base64URL.decode(string) == Self.referenceDecode(text, allowStandard: false), "\(text)")
                #expect(Base64URL.decodeAny(string) == Self.referenceDecode(trimmed, allowStandard: true), "\(text)")
            }
        }
    }

    @Test func encodingIntoAnArrayAppends() {
        var generator = SeededGenerator(seed: 12)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var output = Array("prefix.".utf8)
            Base64URL.encode(bytes, into: &output)
            #expect(output == Array("prefix.".utf8) + Array(Base64URL.encode(bytes).utf8))
            #expect(Base64URL.decode(utf8: output.dropFirst(7)) == bytes)
            #expect(Base64URL.encodedCount(length) == output.count - 7)
        }
    }
}

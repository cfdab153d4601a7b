import JSON
import Testing

/// Malformed input: every failure is a `JSONDecodingError` saying where and what.
@Suite struct JSONReaderErrorTests {
    private func error(_ bytes: [UInt8]) -> JSONDecodingError? {
        do {
            _ = try JSONValue.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    private func error(_ text: String) -> JSONDecodingError? { error(Array(text.utf8)) }

    @Test(arguments: [
        ("", 0, "unexpected end of input"),
        ("[1,", 3, "unexpected end of input"),
        (#"{"a":1"#, 6, "unexpected end of input"),
        (#""abc"#, 4, "unterminated string"),
        (#""\"#, 2, "unterminated escape"),
        (#""\u12""#, 3, #"short \u escape"#),
        ("tru", 0, "unexpected end of input"),
    ])
    func truncated(text: String, offset: Int, reason: String) {
        #expect(error(text) == JSONDecodingError(offset: offset, reason: reason))
    }

    @Test(arguments: [
        (#""\x""#, 2, "invalid escape"),
        (#""\u00zz""#, 5, "invalid hex digit"),
        (#""\ud800""#, 7, "unpaired surrogate"),
        (#""\udc00""#, 7, "unpaired surrogate"),
        (#""\ud800\u0041""#, 13, "unpaired surrogate"),
        (#""a\u0000""#, 8, #"\u0000 (NUL) is not accepted in a string"#),
        ("\"a\u{01}\"", 2, "control character in string"),
    ])
    func badEscapesAndCharacters(text: String, offset: Int, reason: String) {
        #expect(error(text) == JSONDecodingError(offset: offset, reason: reason))
    }

    @Test func structureErrorsNameWhatWasExpected() {
        #expect(error("{,}")?.reason == "expected a key")
        #expect(error(#"{"a" 1}"#)?.reason == "expected ':'")
        #expect(error(#"{"a":1 "b":2}"#)?.reason == "expected ',' or '}'")
        #expect(error("[1 2]")?.reason == "expected ',' or ']'")
        #expect(error("[1,]")?.reason == "unexpected character")
        #expect(error("1 2")?.reason == "unexpected data after the document")
        #expect(error("01")?.reason == "invalid number")
        #expect(error("1e999")?.reason == "number out of range")
        #expect(error("nul")?.reason == "unexpected end of input")
        #expect(error("nulx")?.reason == "invalid literal")
    }

    @Test func invalidUTF8IsRefused() {
        #expect(error([0x22, 0xC3, 0x28, 0x22])?.reason == "string is not valid UTF-8")
        #expect(error([0x22, 0x5C, 0x6E, 0xFF, 0x22])?.reason == "string is not valid UTF-8")
        #expect(error([0x22, 0xED, 0xA0, 0x80, 0x22])?.reason == "string is not valid UTF-8", "an encoded surrogate")
    }

    @Test func nestingDeeperThanTheLimitIsRefusedWithoutRecursingFurther() {
        let limit = JSONValue.maximumDepth
        #expect(error(String(repeating: "[", count: limit) + String(repeating: "]", count: limit)) == nil)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(error(deep) == JSONDecodingError(offset: limit, reason: "nesting deeper than \(limit)"))
    }

    @Test func descriptionNamesOffsetAndReasonOnly() {
        #expect(error(#"{"password":"hunter2"#)?.description == "invalid JSON at byte 20: unterminated string")
    }
}

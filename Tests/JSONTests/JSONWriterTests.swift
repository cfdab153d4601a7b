import Foundation
import JSON
import Testing

/// The one escaper, per dialect: what RFC 8259 requires in all, and what each adds.
@Suite struct JSONWriterTests {
    private func quoted(_ string: String, _ dialect: JSONWriter.Dialect) -> String {
        var writer = JSONWriter(dialect: dialect)
        writer.string(string)
        return String(decoding: writer.finished(), as: UTF8.self)
    }

    @Test(arguments: [JSONWriter.Dialect.minimal, .lineSafe, .go])
    func controlCharactersQuotesAndBackslashes(dialect: JSONWriter.Dialect) {
        #expect(quoted("a\"b\\c/d", dialect) == #""a\"b\\c/d""#)
        #expect(quoted("\u{08}\u{09}\u{0A}\u{0C}\u{0D}", dialect) == #""\b\t\n\f\r""#)
        #expect(quoted("\u{00}\u{01}\u{1F}\u{7F}", dialect) == "\"\\u0000\\u0001\\u001f\u{7F}\"")
    }

    @Test func htmlCharactersOnlyInGo() {
        #expect(quoted("<a>&", .minimal) == #""<a>&""#)
        #expect(quoted("<a>&", .lineSafe) == #""<a>&""#)
        #expect(quoted("<a>&", .go) == #""\u003ca\u003e\u0026""#)
    }

    @Test func lineSeparatorsInLineSafeAndGo() {
        let text = "a\u{2028}b\u{2029}c\u{2027}"
        #expect(quoted(text, .minimal) == "\"\(text)\"")
        #expect(quoted(text, .lineSafe) == "\"a\\u2028b\\u2029c\u{2027}\"")
        #expect(quoted(text, .go) == "\"a\\u2028b\\u2029c\u{2027}\"")
        // A lead byte E2 at the very end of the text is not the start of a separator.
        #expect(quoted("€", .go) == "\"€\"")
    }

    @Test(arguments: [JSONWriter.Dialect.minimal, .lineSafe, .go])
    func nonBMPAndMultiByteTextStaysRaw(dialect: JSONWriter.Dialect) {
        #expect(quoted("é漢🙂𝄞", dialect) == "\"é漢🙂𝄞\"")
    }

    /// Strings are checked eight bytes at a time: every byte that needs escaping (or might: a
    /// multi-byte character, a line separator's lead byte), at every position of a longer run,
    /// and two in one word, are written as escaping one character at a time writes them.
    @Test(arguments: [JSONWriter.Dialect.minimal, .lineSafe, .go])
    func escapesAtEveryPositionOfALongString(dialect: JSONWriter.Dialect) {
        let specials = ["\"", "\\", "\u{0}", "\u{1F}", "\n", "\u{7F}", " ", "/", "<", ">", "&", "\u{2028}", "\u{2029}",
                        "\u{2027}", "€", "é", "🙂", "\"\\", "\u{2028}<"]
        for special in specials {
            for position in 0 ... 19 {
                let text = String(repeating: "a", count: position) + special + String(repeating: "b", count: 19 - position)
                #expect(quoted(text, dialect) == reference(text, dialect), "\(special.unicodeScalars.map(\.value)) at \(position)")
            }
        }
    }

    /// The dialects as documented, one scalar at a time.
    private func reference(_ text: String, _ dialect: JSONWriter.Dialect) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            case _ where dialect == .go && ["<", ">", "&"].contains(scalar):
                out += String(format: "\\u%04x", scalar.value)
            case _ where dialect != .minimal && ["\u{2028}", "\u{2029}"].contains(scalar):
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test func minimalMatchesJSONEncoderByteForByte() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let everything = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "é\u{2028}🙂"
        #expect(Array(quoted(everything, .minimal).utf8) == Array(try encoder.encode(everything)))
    }

    @Test func separatorsKeysAndValues() {
        var writer = JSONWriter(dialect: .minimal)
        writer.beginObject()
        writer.key("a")
        writer.beginArray()
        writer.integer(Int64.min)
        writer.integer(0)
        writer.decimal(2.5)
        writer.decimal(.infinity)
        writer.bool(true)
        writer.null()
        writer.stringArray([])
        writer.endArray()
        writer.key("k\"ey")
        writer.string("v")
        writer.endObject()
        #expect(String(decoding: writer.finished(), as: UTF8.self)
            == #"{"a":[-9223372036854775808,0,2.5,null,true,null,[]],"k\"ey":"v"}"#)
    }

    @Test func nestingBeyondSixtyFourLevelsKeepsItsCommas() throws {
        var writer = JSONWriter(dialect: .minimal)
        for _ in 0..<100 {
            writer.beginArray()
            writer.integer(1)
        }
        for _ in 0..<100 { writer.endArray() }
        let json = writer.finished()
        #expect(json.filter { $0 == UInt8(ascii: ",") }.count == 99)
        #expect(try JSONSerialization.jsonObject(with: Data(json)) is [Any])
    }
}

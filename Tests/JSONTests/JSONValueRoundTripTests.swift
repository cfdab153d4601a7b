import Foundation
import JSON
import Testing

/// `JSONValue` through the writer and the reader, and through Foundation's coders.
@Suite struct JSONValueRoundTripTests {
    static let values: [JSONValue] = [
        .null, true, false, 0, -1, .integer(.max), .integer(.min), 0.5, -1e-300, 1e300, "", "plain",
        "esc\"aped\\ \u{1}\u{1F} \u{2028} <&> é 🙂", [], [[[]]], [1, "two", nil, [3.5]], [:],
        ["b": 1, "a": ["x": [true]], "": "empty key", "ünïcode": "🙂"],
    ]

    @Test(arguments: values)
    func throughWriterAndReader(value: JSONValue) throws {
        let decoded = try JSONValue.decode(value.encoded())
        #expect(decoded == value)
        // Sorted keys: equal values give equal bytes.
        #expect(decoded.encoded() == value.encoded())
    }

    @Test(arguments: values)
    func throughFoundationCoders(value: JSONValue) throws {
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
        #expect(try JSONValue.decode(Array(data)) == value)
    }

    @Test func numbersKeepIntegerAndDecimalApart() throws {
        #expect(try JSONValue.decode("12") == .integer(12))
        #expect(try JSONValue.decode("12.0") == .decimal(12))
        #expect(try JSONValue.decode("1e2") == .decimal(100))
        #expect(try JSONValue.decode("-0") == .integer(0))
        #expect(try JSONValue.decode("9223372036854775808") == .decimal(9_223_372_036_854_775_808))
    }

    @Test func duplicateKeysKeepTheLastValueAndAByteOrderMarkIsSkipped() throws {
        #expect(try JSONValue.decode(#"{"a":1,"a":2}"#) == ["a": 2])
        #expect(try JSONValue.decode([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == [1])
    }
}

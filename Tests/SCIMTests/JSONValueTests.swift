import JSON
import Testing

@testable import SCIM

@Suite("JSONValue")
struct JSONValueTests {
    @Test(
        "documents decode to the right cases",
        arguments: [
            ("null", JSONValue.null),
            ("true", .bool(true)),
            ("-12", .integer(-12)),
            ("1.5", .decimal(1.5)),
            ("1e2", .decimal(100)),
            ("9223372036854775808", .decimal(9_223_372_036_854_775_808)),
            (#""\u0001""#, .string("\u{1}")),
            (#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#, .string("a\"\\/\u{8}\u{c}\n\r\té😀")),
            (#" [1, "x", {"k": []}] "#, .array([.integer(1), .string("x"), .object(["k": .array([])])])),
        ]
    )
    func decodes(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.decode(text) == expected)
    }

    @Test(
        "malformed JSON is a typed error",
        arguments: [
            "", "{", "[1,]", "{\"a\":}", "01", "1.", "-", "tru", "\"\\x\"", "\"\u{01}\"", "{\"a\" 1}", "[1 2]",
            "\"\\ud800\"", "1 2", "{'a':1}", "NaN", "\"abc", "\"a\\u0000b\"", "{\"\\u0000\":1}",
        ]
    )
    func rejects(text: String) {
        #expect(throws: JSONDecodingError.self) { try JSONValue.decode(text) }
    }

    @Test("deep nesting is rejected instead of overflowing the stack")
    func depthLimit() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONDecodingError.self) { try JSONValue.decode(deep) }
        let ok = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect((try? JSONValue.decode(ok)) != nil)
    }

    @Test("a malformed request body becomes 400 invalidSyntax")
    func requestBody() {
        #expect(throws: SCIMError.invalidSyntax("request body is not valid JSON: expected a key at byte 1")) {
            try JSONValue.decodeRequestBody(Array("{,}".utf8))
        }
    }

    @Test("encoding sorts keys and escapes control characters, and round-trips")
    func encoding() throws {
        let value: JSONValue = ["b": 1, "a": ["x\n\u{1}", true, nil, 2.5]]
        #expect(value.encodedString() == #"{"a":["x\n\u0001",true,null,2.5],"b":1}"#)
        #expect(try JSONValue.decode(value.encoded()) == value)
    }

    @Test("attribute subscript is case-insensitive and keeps one spelling")
    func attributeSubscript() {
        var value: JSONValue = ["userName": "bjensen"]
        #expect(value[attribute: "USERNAME"] == "bjensen")
        value[attribute: "username"] = "other"
        #expect(value.objectValue?.count == 1)
        #expect(value[attribute: "userName"] == "other")
        value[attribute: "USERNAME"] = nil
        #expect(value.objectValue?.isEmpty == true)
    }

    @Test("Codable round trip through Foundation keeps integers and decimals apart")
    func codable() throws {
        let value: JSONValue = ["i": 3, "d": 0.5, "s": "x", "n": nil, "a": [false]]
        let data = try JSONEncoderShim.encode(value)
        #expect(try JSONEncoderShim.decode(data) == value)
    }
}

import Foundation

enum JSONEncoderShim {
    static func encode(_ value: JSONValue) throws -> Data { try JSONEncoder().encode(value) }
    static func decode(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }
}

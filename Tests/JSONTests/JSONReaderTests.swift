import Testing
import JSON

/// `JSONReader` primitives directly: what they accept and what they refuse.
@Suite struct JSONReaderTests {
    private func read<T>(_ text: String, _ body: (inout JSONReader) throws(JSONDecodingError) -> T) -> T? {
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            do throws(JSONDecodingError) {
                let value = try body(&reader)
                try reader.expectEnd()
                return value
            } catch {
                return nil
            }
        }
    }

    @Test func integersAtTheLimitsAndBeyond() {
        #expect(read("9223372036854775807") { r throws(JSONDecodingError) in try r.readInteger(Int64.self) } == Int64.max)
        #expect(read("-9223372036854775808") { r throws(JSONDecodingError) in try r.readInteger(Int64.self) } == Int64.min)
        #expect(read("18446744073709551615") { r throws(JSONDecodingError) in try r.readInteger(UInt64.self) } == UInt64.max)
        for text in ["9223372036854775808", "-9223372036854775809", "-0", "01", "1.0", "1e2", "-", "", "+1", "0x1"] {
            #expect(read(text) { r throws(JSONDecodingError) in try r.readInteger(Int64.self) } == nil, "\(text)")
        }
        #expect(read("-1") { r throws(JSONDecodingError) in try r.readInteger(UInt64.self) } == nil)
        #expect(read("18446744073709551616") { r throws(JSONDecodingError) in try r.readInteger(UInt64.self) } == nil)
    }

    @Test func stringEscapesAndUnicode() {
        let string = { (text: String) in read(text) { r throws(JSONDecodingError) in try r.readString() } }
        #expect(string(#""a\"b\\c\/d\b\f\n\r\t""#) == "a\"b\\c/d\u{08}\u{0C}\n\r\t")
        #expect(string(#""\u00e9\u20AC\ud83d\ude00""#) == "é€😀")
        #expect(string("\"é😀\"") == "é😀")
        #expect(string(#""\u0000""#) == "\u{00}")
        for bad in [#""\ud83d""#, #""\ude00""#, #""\ud83d\u0041""#, #""\u12""#, #""\q""#, "\"a\u{01}\"", #""open"#] {
            #expect(string(bad) == nil, "\(bad)")
        }
        let invalidUTF8: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(invalidUTF8.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            return (try? reader.readString()) == nil
        })
    }

    @Test func nestingUpToTheLimitOnly() {
        let depth = Array("0".utf8).withUnsafeBufferPointer { JSONReader($0).maxDepth }
        let ok = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let tooDeep = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        #expect(read(ok) { r throws(JSONDecodingError) in try r.skipValue() } != nil)
        #expect(read(tooDeep) { r throws(JSONDecodingError) in try r.skipValue() } == nil)
    }

    @Test func duplicateNamesAndMalformedObjectsAreRefused() {
        let skip = { (text: String) in read(text) { r throws(JSONDecodingError) in try r.skipValue() } != nil }
        #expect(skip(#"{"a":1,"b":[true,false,null,"x",-1.5e-3,{}]}"#))
        #expect(!skip(#"{"a":1,"a":1}"#))
        #expect(!skip(#"{"\u0061":1}"#))
        #expect(!skip(#"{"a":1,}"#))
        #expect(!skip(#"{"a" 1}"#))
        #expect(!skip(#"[1,]"#))
        #expect(!skip(#"[1 2]"#))
        #expect(!skip(#"{"a":1} {}"#))
    }
}

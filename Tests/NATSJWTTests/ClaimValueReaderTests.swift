import JSON
import Testing
@testable import NATSJWT

/// Claim members kept verbatim: read as `JSONValue`'s Codable conformance would, or refused.
@Suite struct ClaimValueReaderTests {
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

    @Test func claimValuesKeepTheirShape() {
        let value = read(#"{"a":[1,"s",true,null],"b":{"c":-2}}"#) { r throws(JSONDecodingError) in try r.readClaimValue() }
        #expect(value == .object(["a": .array([.integer(1), .string("s"), .bool(true), .null]), "b": .object(["c": .integer(-2)])]))
        // Doubles are left to Codable (JSONValue's Int64-then-Double order is Codable's to apply).
        #expect(read("1.5") { r throws(JSONDecodingError) in try r.readClaimValue() } == nil)
    }
}

import SCIM

/// A SCIM request body through the JSON parser. What parses must encode and parse back to the
/// same value: the server stores and serves the re-encoded form.
func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data else { return 0 }
    guard let value = try? JSONValue.decode(UnsafeBufferPointer(start: start, count: count)) else { return 0 }
    let encoded = value.encoded()
    guard let again = try? JSONValue.decode(encoded) else {
        preconditionFailure("a parsed value's encoding does not parse: \(String(decoding: encoded, as: UTF8.self))")
    }
    precondition(again == value, "a value changed through encode and decode")
    return 0
}

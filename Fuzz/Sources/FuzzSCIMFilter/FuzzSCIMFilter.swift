import SCIM

/// A SCIM `filter` query parameter and a PATCH `path`, as an IdP sends them.
func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? Filter.parse(text)
    _ = try? AttributePath.parse(text)
    return 0
}

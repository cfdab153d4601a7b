import Policy

/// A policy file as an operator (or a careless edit) writes it: YAML through Yams, then the
/// policy's own validation. Only a `PolicyError` may come out.
func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? PolicyParser.parse(text, source: "fuzz")
    return 0
}

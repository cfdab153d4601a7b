import NKeys

/// Seeds and public keys as they come from files, configuration and CONNECT options: each
/// decoder must throw an `NKeysError` or accept, never trap. An accepted seed must round-trip.
func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    _ = try? PublicKey(text)
    _ = PublicKey.isValid(text, types: [.user])
    if let pair = try? KeyPair(seed: text) {
        precondition(pair.encodedSeed() == text, "a decoded seed does not encode back to itself")
        precondition(PublicKey.isValid(pair.publicKey), "a seed's public key does not decode")
    }
    if let pair = try? XKeyPair(seed: text) {
        precondition(PublicKey.isValid(pair.publicKey, types: [.curve]), "an xkey seed's public key does not decode")
    }
    return 0
}

import Foundation
import NATSJWT
import NKeys

/// A NATS JWT as it arrives (the callout's request, a user or response token), decoded and
/// verified as bytes and as text: every path must throw a `JWTError` or succeed, never trap.
func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    _ = try? JWT.decode(utf8: bytes, as: NATSAuthorizationRequest.self)
    _ = try? JWT.decode(utf8: bytes, as: NATSUser.self)
    _ = try? JWT.decode(utf8: bytes, as: NATSAuthorizationResponse.self)
    _ = try? JWT.verify(utf8: bytes, as: NATSAuthorizationRequest.self, now: now,
                        expectedAudience: "nats-authorization-request", allowedIssuerTypes: [.server])
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? JWT.decode(text, as: NATSUser.self)
    _ = try? JWT.verify(text, as: NATSAuthorizationResponse.self, now: now)
    return 0
}

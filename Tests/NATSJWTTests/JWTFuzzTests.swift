import Foundation
import Testing
@testable import NATSJWT
import NKeys

/// Mangled tokens never crash and never verify.
@Suite struct JWTFuzzTests {
    @Test func mutatedTokensNeverVerify() throws {
        let account = try KeyPair.generate(.account)
        let user = try KeyPair.generate(.user)
        let token = try JWT.encode(UserClaims(subject: user.publicKey, audience: "APP",
                                              nats: NATSUser(pub: Permission(allow: ["a.>"]))), signedBy: account)
        let bytes = Array(token.utf8)
        var generator = SystemRandomNumberGenerator()
        let replacements = Array("AZaz09-_.=+/ {}\"".utf8)
        for index in bytes.indices {
            var mutated = bytes
            let replacement = replacements.randomElement(using: &generator) ?? UInt8(ascii: "A")
            guard replacement != mutated[index] else { continue }
            mutated[index] = replacement
            let text = String(decoding: mutated, as: UTF8.self)
            #expect((try? JWT.verify(text, as: NATSUser.self, now: Date())) == nil, "position \(index)")
        }
        // Truncations at every length.
        for length in 0..<bytes.count {
            let text = String(decoding: bytes.prefix(length), as: UTF8.self)
            #expect((try? JWT.verify(text, as: NATSUser.self, now: Date())) == nil)
        }
    }

    @Test func hugeDurationsAndDatesSaturateInsteadOfTrapping() throws {
        let account = try KeyPair.generate(.account)
        let user = try KeyPair.generate(.user)
        let claims = UserClaims(subject: user.publicKey,
                                nats: NATSUser(resp: ResponsePermission(maxMessages: 1, expires: .seconds(Int64.max))))
        let token = try JWT.encode(claims, signedBy: account, issuedAt: .distantFuture)
        let decoded = try JWT.decode(token, as: NATSUser.self)
        #expect(decoded.nats.resp?.expires == .nanoseconds(Int64.max))
        #expect(JWT.unixSeconds(Date(timeIntervalSince1970: 1e30)) == Int64.max)
        #expect(JWT.unixSeconds(Date(timeIntervalSince1970: -1e30)) == 0)
    }
}

import Foundation
import Testing
@testable import NATSJWT
import NKeys

/// The byte-level entry points give the same results as the `String` ones.
@Suite struct JWTBytesAPITests {
    @Test func signedCarriesTheTokenAndItsID() throws {
        let account = try KeyPair.generate(.account)
        let user = try KeyPair.generate(.user)
        let claims = UserClaims(subject: user.publicKey, name: "alice", audience: "APP", expires: 1_900_000_000,
                                nats: NATSUser(pub: Permission(allow: ["a.>"])))
        let issuedAt = Date(timeIntervalSince1970: 1_800_000_000)
        let signed = try JWT.signed(claims, by: account, issuedAt: issuedAt)
        // ed25519 is deterministic, so both entry points produce the same token.
        #expect(signed.text == (try JWT.encode(claims, signedBy: account, issuedAt: issuedAt)))
        let decoded = try JWT.verify(utf8: signed.bytes, as: NATSUser.self, now: issuedAt, expectedAudience: "APP")
        #expect(decoded.id == signed.id)
        #expect(decoded.id == decoded.computedID())
        #expect(decoded == (try JWT.verify(signed.text, as: NATSUser.self, now: issuedAt)))
        #expect(decoded == (try JWT.decode(utf8: signed.bytes, as: NATSUser.self)))
    }

    private func code(of result: Result<UserClaims, JWTError>) -> JWTError.Code? {
        if case .failure(let error) = result { return error.code }
        return nil
    }

    @Test func byteVerificationRejectsWhatStringVerificationRejects() throws {
        let account = try KeyPair.generate(.account)
        let token = try JWT.signed(UserClaims(subject: "U", nats: NATSUser()), by: account)
        var tampered = token.bytes
        tampered[tampered.count - 2] = tampered[tampered.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        for bytes in [tampered, Array(token.bytes.dropLast(10)), Array("a.b".utf8), []] {
            let fromBytes = Result { () throws(JWTError) in try JWT.verify(utf8: bytes, as: NATSUser.self, now: Date()) }
            let fromText = Result { () throws(JWTError) in
                try JWT.verify(String(decoding: bytes, as: UTF8.self), as: NATSUser.self, now: Date())
            }
            #expect(throws: JWTError.self) { try fromBytes.get() }
            #expect(code(of: fromBytes) == code(of: fromText))
        }
    }
}

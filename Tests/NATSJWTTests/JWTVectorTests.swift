import Foundation
import JSON
import Testing
@testable import NATSJWT
import NKeys

@Suite struct JWTVectorTests {
    /// nats-server `server/configs/one.creds`: its JWT's `jti` is this hash of these claims.
    @Test func jtiMatchesNatsIOJWT() {
        var claims = UserClaims(subject: "UDCIBGGGHCJBQPOO4SCJJBHZDR37NQGGCIWMNG2DDAKJ6WMKBMAKXIMO", name: "one",
                                nats: NATSUser())
        claims.issuer = "ABVRZKJ6Z7NIMPIYJRCHEYFRUO7ENN6NWOKQDFLFDFVPSM36UPX2UCPP"
        claims.issuedAt = 1_616_247_232
        #expect(claims.computedID() == "GECPTJHHMS3MCMKLTPGYGAO45GQ6N6QPYWQ4GPLAEB33VCRJNRVQ")
        // The id itself and the nats section take no part in the hash.
        claims.id = "something else"
        claims.nats.pub.allow = ["x"]
        #expect(claims.computedID() == "GECPTJHHMS3MCMKLTPGYGAO45GQ6N6QPYWQ4GPLAEB33VCRJNRVQ")
    }

    @Test(arguments: [
        ("", "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a"),
        ("abc", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"),
    ])
    func sha512_256MatchesFIPSVectors(input: String, digest: String) {
        let hex = SHA512_256.hash(Array(input.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(hex == digest)
    }

    @Test func goJSONEscapesLikeEncodingJSON() {
        var object = JSONWriter(dialect: .go)
        object.beginObject()
        object.nonEmpty(JWTClaimField.name, "a<b>&\"c\"\\\n\u{01}\u{2028}é")
        object.nonZero(JWTClaimField.expires, 0)
        object.nonZero(JWTClaimField.issuedAt, -5)
        object.nonEmpty(JWTClaimField.audience, "")
        object.endObject()
        let text = String(decoding: object.finished(), as: UTF8.self)
        #expect(text == #"{"name":"a\u003cb\u003e\u0026\"c\"\\\n\u0001\u2028é","iat":-5}"#)
    }

    @Test func emptyStandardClaimsHashAsAnEmptyObject() {
        let claims = UserClaims(subject: "", nats: NATSUser())
        #expect(claims.computedID() == Base32.encode(SHA512_256.hash(Array("{}".utf8))))
    }
}

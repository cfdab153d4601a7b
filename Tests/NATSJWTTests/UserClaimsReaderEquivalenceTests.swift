import Foundation
import Testing
import TestSupport
@testable import NATSJWT
import NKeys

/// The hand-written reader for user claims (`NATSUser`) against `JSONDecoder`, as for requests.
@Suite struct UserClaimsReaderEquivalenceTests {
    static let edgeCases: [String] = [
        #"{"sub":"U","nats":{}}"#,
        #"{"sub":"U","nats":{"pub":null,"sub":null,"resp":null,"subs":null,"data":null,"payload":null,"src":null,"times":null,"times_location":null,"bearer_token":null,"proxy_required":null,"allowed_connection_types":null,"issuer_account":null,"tags":null,"type":null,"version":null}}"#,
        #"{"sub":"U","nats":{"pub":{"allow":null,"deny":null,"x":1},"sub":{},"resp":{"max":1,"ttl":5000000000,"y":[]},"type":"user","version":2}}"#,
        #"{"sub":"U","nats":{"src":"10.0.0.0/8, 192.168.0.0/16","type":"user"}}"#,
        #"{"sub":"U","nats":{"src":["10.0.0.0/8",null]}}"#,
        #"{"sub":"U","nats":{"src":5}}"#,
        #"{"sub":"U","nats":{"times":[{"start":"01:00:00","end":"02:00:00","z":null}],"times_location":"Europe/Paris"}}"#,
        #"{"sub":"U","nats":{"times":[{"start":"01:00:00"}]}}"#,
        #"{"sub":"U","nats":{"times":[{"start":null,"end":"02:00:00"}]}}"#,
        #"{"sub":"U","nats":{"times":[null]}}"#,
        #"{"sub":"U","nats":{"bearer_token":1}}"#,
        #"{"sub":"U","nats":{"bearer_token":true,"proxy_required":false}}"#,
        #"{"sub":"U","nats":{"subs":-1,"data":-1,"payload":-1.0}}"#,
        #"{"sub":"U","nats":{"resp":{"max":1.5}}}"#,
        #"{"sub":"U","nats":{"resp":{"ttl":9223372036854775808}}}"#,
        #"{"sub":"U","nats":{"pub":{"allow":["a","a"],"allow":["b"]}}}"#,
        #"{"sub":"U","nats":{"pub":[]}}"#,
        #"{"sub":"U","nats":{"future":{"a":1},"type":"user","version":2},"extra":[true]}"#,
    ]

    @Test func edgeCasesMatchCodable() {
        var fastCount = 0
        for (index, text) in Self.edgeCases.enumerated()
        where checkFastEqualsCodable(Array(text.utf8), as: NATSUser.self, "edge \(index): \(text)") {
            fastCount += 1
        }
        #expect(fastCount > 5)
        #expect(fastCount < Self.edgeCases.count)
    }

    @Test func tokensMintedHereTakeTheFastPath() throws {
        let account = try KeyPair.generate(.account)
        let claims = UserClaims(subject: try KeyPair.generate(.user).publicKey, name: "alice", audience: "APP",
                                nats: NATSUser(pub: Permission(allow: ["a.>"], deny: ["a.b"]), sub: Permission(allow: ["_INBOX.>"]),
                                               resp: ResponsePermission(maxMessages: 1, expires: .seconds(5)),
                                               src: ["10.0.0.0/8"], times: [TimeRange(start: "01:00:00", end: "02:00:00")],
                                               timesLocation: "UTC", bearerToken: true, allowedConnectionTypes: ["STANDARD"],
                                               issuerAccount: account.publicKey, tags: ["t"]))
        let token = try JWT.encode(claims, signedBy: account)
        let segment = token.split(separator: ".")[1]
        let json = try #require(Base64URL.decode(segment))
        #expect(checkFastEqualsCodable(json, as: NATSUser.self, "minted"))
    }

    @Test(arguments: [21 as UInt64, 22])
    func seededMutationsMatchCodable(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        var fastCount = 0
        var total = 0
        for text in Self.edgeCases {
            for mutated in ClaimsCorpus.mutations(of: Array(text.utf8), count: 150, generator: &generator) {
                total += 1
                if checkFastEqualsCodable(mutated, as: NATSUser.self, String(decoding: mutated, as: UTF8.self)) {
                    fastCount += 1
                }
            }
        }
        #expect(fastCount > total / 20)
    }
}

import Foundation
import JSON
import Testing
import TestSupport
@testable import NATSJWT
import NKeys

/// The hand-written writer against `JSONEncoder` (sorted keys, unescaped slashes): the same
/// bytes for every user and authorization-response claim shape, and the Codable path wherever
/// the writer declines (kept unknown members).
@Suite struct ClaimsWriterEquivalenceTests {
    private static let pool: [String] = [
        "", "a", "é", "😀", "\"", "\\", "/", "\u{00}", "\u{08}", "\u{0C}", "\u{1F}", "\u{7F}", "<>&", "\u{2028}\u{2029}",
        "\n\r\t", "x y", "$SYS.>", "\u{FFFF}", "a\u{301}",
    ]

    private static func text(_ generator: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...4, using: &generator)).map { _ in pool.randomElement(using: &generator) ?? "" }.joined()
    }

    private static func list(_ generator: inout SeededGenerator) -> [String] {
        (0..<Int.random(in: 0...3, using: &generator)).map { _ in text(&generator) }
    }

    private static func integer(_ generator: inout SeededGenerator) -> Int64 {
        [0, 1, -1, Int64.min, Int64.max, Int64.random(in: .min ... .max, using: &generator)].randomElement(using: &generator) ?? 0
    }

    private static func randomUserClaims(_ g: inout SeededGenerator) -> UserClaims {
        var claims = UserClaims(
            subject: text(&g), name: Bool.random(using: &g) ? text(&g) : nil, audience: Bool.random(using: &g) ? text(&g) : nil,
            expires: Bool.random(using: &g) ? integer(&g) : nil, notBefore: Bool.random(using: &g) ? integer(&g) : nil,
            nats: NATSUser(
                pub: Permission(allow: list(&g), deny: list(&g)), sub: Permission(allow: list(&g), deny: list(&g)),
                resp: Bool.random(using: &g)
                    ? ResponsePermission(maxMessages: Int(integer(&g)), expires: .nanoseconds(integer(&g))) : nil,
                subs: integer(&g), data: integer(&g), payload: integer(&g), src: list(&g),
                times: Bool.random(using: &g) ? [TimeRange(start: text(&g), end: text(&g))] : [],
                timesLocation: Bool.random(using: &g) ? text(&g) : nil, bearerToken: Bool.random(using: &g),
                proxyRequired: Bool.random(using: &g), allowedConnectionTypes: list(&g),
                issuerAccount: Bool.random(using: &g) ? text(&g) : nil, tags: list(&g)))
        claims.id = Bool.random(using: &g) ? text(&g) : nil
        claims.issuedAt = Bool.random(using: &g) ? integer(&g) : nil
        claims.issuer = Bool.random(using: &g) ? text(&g) : nil
        claims.nats.version = Int(integer(&g))
        return claims
    }

    private static func randomResponseClaims(_ g: inout SeededGenerator) -> AuthorizationResponseClaims {
        var claims = AuthorizationResponseClaims(
            subject: text(&g), audience: Bool.random(using: &g) ? text(&g) : nil,
            nats: NATSAuthorizationResponse(jwt: Bool.random(using: &g) ? text(&g) : nil,
                                            error: Bool.random(using: &g) ? text(&g) : nil,
                                            issuerAccount: Bool.random(using: &g) ? text(&g) : nil, tags: list(&g)))
        claims.issuedAt = Bool.random(using: &g) ? integer(&g) : nil
        claims.issuer = Bool.random(using: &g) ? text(&g) : nil
        return claims
    }

    @Test func userClaimsMatchJSONEncoderByteForByte() throws {
        var generator = SeededGenerator(seed: 7)
        for index in 0..<500 {
            let claims = Self.randomUserClaims(&generator)
            let fast = try #require(claims.fastJSON())
            let codable = Array(try JWT.makeEncoder().encode(claims))
            #expect(fast == codable, "user claims \(index): \(String(decoding: codable, as: UTF8.self))")
        }
    }

    @Test func responseClaimsMatchJSONEncoderByteForByte() throws {
        var generator = SeededGenerator(seed: 8)
        for index in 0..<500 {
            let claims = Self.randomResponseClaims(&generator)
            let fast = try #require(claims.fastJSON())
            let codable = Array(try JWT.makeEncoder().encode(claims))
            #expect(fast == codable, "response claims \(index): \(String(decoding: codable, as: UTF8.self))")
        }
    }

    @Test func everyControlCharacterEscapesAsFoundationDoes() throws {
        let all = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "é😀\u{2028}"
        let claims = UserClaims(subject: all, name: all, nats: NATSUser(tags: [all]))
        #expect(try #require(claims.fastJSON()) == Array(try JWT.makeEncoder().encode(claims)))
    }

    @Test func unknownMembersTakeTheCodablePathAndSurvive() throws {
        let account = try KeyPair.generate(.account)
        var claims = UserClaims(subject: "U", nats: NATSUser())
        claims.unknownFields = ["zz_kept": .object(["a": .decimal(1.5), "b": .array([.null, .bool(true)])])]
        #expect(claims.fastJSON() == nil)
        var nested = UserClaims(subject: "U", nats: NATSUser())
        nested.nats.unknownFields = ["future": .string("x")]
        #expect(nested.fastJSON() == nil)
        for original in [claims, nested] {
            let decoded = try JWT.decode(try JWT.encode(original, signedBy: account), as: NATSUser.self)
            #expect(decoded.unknownFields == original.unknownFields)
            #expect(decoded.nats.unknownFields == original.nats.unknownFields)
        }
    }

    @Test func encodedTokensDecodeToTheSameClaims() throws {
        let account = try KeyPair.generate(.account)
        var generator = SeededGenerator(seed: 9)
        for _ in 0..<100 {
            var claims = Self.randomUserClaims(&generator)
            guard !claims.subject.isEmpty else { continue }
            let token = try JWT.encode(claims, signedBy: account, issuedAt: Date(timeIntervalSince1970: 1_800_000_000))
            let decoded = try JWT.decode(token, as: NATSUser.self)
            claims.issuer = account.publicKey
            claims.issuedAt = 1_800_000_000
            claims.id = claims.computedID()
            // Omitted-when-empty members come back as their empty forms.
            claims.name = claims.name.flatMap { $0.isEmpty ? nil : $0 }
            claims.audience = claims.audience.flatMap { $0.isEmpty ? nil : $0 }
            claims.expires = claims.expires.flatMap { $0 == 0 ? nil : $0 }
            claims.notBefore = claims.notBefore.flatMap { $0 == 0 ? nil : $0 }
            claims.nats.timesLocation = claims.nats.timesLocation.flatMap { $0.isEmpty ? nil : $0 }
            claims.nats.issuerAccount = claims.nats.issuerAccount.flatMap { $0.isEmpty ? nil : $0 }
            #expect(decoded == claims)
        }
    }

    @Test func writerMatchesGoEscapingForJTI() {
        var object = JSONWriter(dialect: .go)
        object.beginObject()
        let everything = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "é\u{2028}\u{2029}\u{2027}"
        object.nonEmpty(JWTClaimField.name, everything)
        object.endObject()
        let text = String(decoding: object.finished(), as: UTF8.self)
        // Go's encoding/json (HTMLEscape on): controls as \u00xx except \b \f \n \r \t, plus <, >, &, U+2028/9.
        var expected = #"{"name":""#
        for byte in 0..<0x80 {
            switch byte {
            case 0x08: expected += #"\b"#
            case 0x09: expected += #"\t"#
            case 0x0A: expected += #"\n"#
            case 0x0C: expected += #"\f"#
            case 0x0D: expected += #"\r"#
            case 0x22: expected += #"\""#
            case 0x5C: expected += #"\\"#
            case 0..<0x20, 0x3C, 0x3E, 0x26: expected += String(format: "\\u%04x", byte)
            default: expected += String(UnicodeScalar(UInt8(byte)))
            }
        }
        expected += "é\\u2028\\u2029\u{2027}\"}"
        #expect(text == expected)
    }
}

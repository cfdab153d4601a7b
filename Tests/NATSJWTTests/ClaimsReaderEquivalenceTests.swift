import Foundation
import Testing
import TestSupport
@testable import NATSJWT
import NKeys

/// The hand-written request reader against `JSONDecoder`: wherever the fast path answers, its
/// claims equal Codable's; wherever Codable fails, the fast path falls back and the error code
/// is Codable's.
@Suite struct ClaimsReaderEquivalenceTests {
    typealias Outcome = DecodeOutcome<NATSAuthorizationRequest>

    @discardableResult
    private func checkEquivalent(_ json: [UInt8], _ label: @autoclosure () -> String) -> Bool {
        checkFastEqualsCodable(json, as: NATSAuthorizationRequest.self, label())
    }

    @Test func realRequestsTakeTheFastPathAndEqualCodable() throws {
        for (index, text) in ClaimsCorpus.requests.enumerated() {
            let json = Array(text.utf8)
            #expect(checkEquivalent(json, "request \(index)"), "request \(index) fell back to Codable")
            guard case .claims = Outcome(json, fastPath: false) else {
                Issue.record("request \(index) does not decode with Codable")
                continue
            }
        }
    }

    @Test func fullRequestKeepsEveryMember() throws {
        let json = Array(ClaimsCorpus.requests[1].utf8)
        let claims = try #require(json.withUnsafeBufferPointer { AuthorizationRequestClaims.readFast($0) })
        #expect(claims.nats.clientInfo.id == UInt64.max)
        #expect(claims.nats.clientInfo.name == "svc \"quoted\" \\ é 😀 é 😀 / \u{08}\u{0C}\n\r\t\u{00}")
        #expect(claims.nats.connectOptions.password == "päss")
        #expect(claims.nats.clientTLS?.verifiedChains == [["a", "b"], []])
        #expect(claims.nats.unknownFields["future_member"] == .object(["a": .array([.integer(1), .string("two"), .null, .bool(true)])]))
        #expect(claims.unknownFields["num"] == .integer(Int64.min))
        #expect(claims.unknownFields["nul"] == .null)
        #expect(claims.notBefore == -5)
    }

    @Test func edgeCasesMatchCodable() {
        var fastIndices: [Int] = []
        for (index, text) in ClaimsCorpus.edgeCases.enumerated() where checkEquivalent(Array(text.utf8), "edge \(index): \(text.prefix(120))") {
            fastIndices.append(index)
        }
        let fastCount = fastIndices.count
        for (index, bytes) in ClaimsCorpus.byteCases.enumerated() {
            #expect(!checkEquivalent(bytes, "bytes \(index)"), "invalid or non-UTF-8 input must not take the fast path")
        }
        // The corpus exercises both paths.
        #expect(fastCount > 5)
        #expect(fastCount < ClaimsCorpus.edgeCases.count)
    }

    @Test func duplicateMembersFallBackToCodable() {
        // JSONDecoder keeps the first of duplicate members; the fast path never decides them.
        let json = Array(#"{"sub":"a","sub":"b","nats":{"server_id":{},"user_nkey":"U"}}"#.utf8)
        #expect(json.withUnsafeBufferPointer { AuthorizationRequestClaims.readFast($0) } == nil)
        let outcome = Outcome(json, fastPath: true)
        guard case .claims(let claims) = outcome else {
            Issue.record("Codable refused duplicate members: \(outcome)")
            return
        }
        #expect(claims.subject == "a")
    }

    @Test func depthBombsAndTruncationsNeverTakeTheFastPathWrongly() {
        let bomb = Array((#"{"nats":{"server_id":{},"user_nkey":"U","x":"# + String(repeating: "[", count: 100_000)).utf8)
        #expect(bomb.withUnsafeBufferPointer { AuthorizationRequestClaims.readFast($0) } == nil)
        #expect(Outcome(bomb, fastPath: true) == Outcome(bomb, fastPath: false))
        let full = Array(ClaimsCorpus.requests[1].utf8)
        for length in 0..<full.count {
            checkEquivalent(Array(full.prefix(length)), "prefix \(length)")
        }
    }

    @Test(arguments: [1 as UInt64, 2, 3])
    func seededMutationsMatchCodable(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var fastCount = 0
        var total = 0
        for (index, text) in ClaimsCorpus.requests.enumerated() {
            for (number, mutated) in ClaimsCorpus.mutations(of: Array(text.utf8), count: 400, generator: &generator).enumerated() {
                total += 1
                if checkEquivalent(mutated, "seed \(seed) request \(index) mutation \(number): \(String(decoding: mutated, as: UTF8.self))") {
                    fastCount += 1
                }
            }
        }
        // Many mutations stay valid (inside strings, say) and must be decided by the fast path.
        #expect(fastCount > total / 20)
    }

    @Test func randomRequestsRoundTripThroughBothPaths() throws {
        var generator = SeededGenerator(seed: 42)
        let pool: [String] = ["", "a", "é", "😀", "\"", "\\", "/", "\u{00}", "\u{1F}", "\u{7F}", "<>&", "\u{2028}", "\n", "x y"]
        func text() -> String { (0..<Int.random(in: 0...4, using: &generator)).map { _ in pool.randomElement(using: &generator) ?? "" }.joined() }
        for _ in 0..<200 {
            var claims = AuthorizationRequestClaims(
                subject: text(), name: Bool.random(using: &generator) ? text() : nil, audience: text(),
                expires: Int64.random(in: .min ... .max, using: &generator),
                nats: NATSAuthorizationRequest(
                    serverID: ServerID(name: text(), host: text(), id: text(), version: text(), tags: [text()]),
                    userNKey: text(),
                    clientInfo: ClientInformation(host: text(), id: UInt64.random(in: 0 ... .max, using: &generator),
                                                  user: text(), tags: Bool.random(using: &generator) ? [] : nil),
                    connectOptions: ConnectOptions(username: text(), password: text(), protocol: Int.random(in: -5...5, using: &generator)),
                    clientTLS: Bool.random(using: &generator) ? ClientTLS(certs: [text()], verifiedChains: [[text()]]) : nil,
                    requestNonce: text(), tags: [text(), text()]))
            claims.issuedAt = Int64.random(in: .min ... .max, using: &generator)
            if Bool.random(using: &generator) { claims.unknownFields = ["k": .array([.integer(-1), .string(text()), .null])] }
            let json = Array(try JWT.makeEncoder().encode(claims))
            #expect(checkEquivalent(json, String(decoding: json, as: UTF8.self)))
        }
    }
}

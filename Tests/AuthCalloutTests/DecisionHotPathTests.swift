import CoreMetrics
import Foundation
import IdentityStore
import Logging
import MetricsTestKit
import Synchronization
import Testing
@testable import AuthCallout

/// The cheaper pieces of the decision path keep their observable behaviour: decision ids, the
/// `jwt.expires` text, the per-(result, reason) counters (the policy's: `PolicyHotPathTests`).
@Suite struct DecisionHotPathTests {
    @Test func decisionIDsAreSixteenBase32CharactersAndUnique() {
        let alphabet = Set("abcdefghijklmnopqrstuvwxyz234567")
        var seen = Set<String>()
        var used = Set<Character>()
        for _ in 0 ..< 20_000 {
            let id = DecisionRecord.makeID()
            #expect(id.count == 16)
            #expect(id.allSatisfy(alphabet.contains))
            used.formUnion(id)
            seen.insert(id)
        }
        #expect(seen.count == 20_000)
        // Every character of the alphabet shows up, in every position over many ids.
        #expect(used == alphabet)
        let lastCharacters = Set((0 ..< 2_000).map { _ in DecisionRecord.makeID().last ?? " " })
        #expect(lastCharacters.count > 16)
    }

    @Test func expiryTextMatchesISO8601DateFormatter() {
        let formatter = ISO8601DateFormatter()
        var dates = [0, 1, 59, 86_399, 86_400, 951_782_400, 951_868_799, 1_767_225_599.999, 1_767_225_600, 4_102_444_800,
                     253_402_300_799, -1, -86_401, -2_208_988_800].map(Date.init(timeIntervalSince1970:))
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 2_000 {
            dates.append(Date(timeIntervalSince1970: Double(Int64.random(in: 0 ... 4_102_444_800, using: &generator)) + 0.5))
        }
        for date in dates {
            #expect(InternetDateTime.string(date) == formatter.string(from: date), "\(date.timeIntervalSince1970)")
        }
    }

    @Test func decisionCountersAreMadeOncePerResultAndReason() throws {
        let metrics = CountingMetrics()
        let log = DecisionLog(logger: Logger(label: "d", factory: { _ in SwiftLogNoOpLogHandler() }), metricsFactory: metrics)
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        for _ in 0 ..< 3 { log.record(DecisionRecord(time: start, result: .allow, reason: .allowed)) }
        for _ in 0 ..< 2 { log.record(DecisionRecord(time: start, result: .deny, reason: .wrongSecret)) }
        log.record(DecisionRecord(time: start, result: .deny, reason: .noBinding))
        let allowed = try metrics.test.expectCounter("scim_callout_decisions_total", [("result", "allow"), ("reason", "allowed")])
        let wrong = try metrics.test.expectCounter("scim_callout_decisions_total", [("result", "deny"), ("reason", "wrong_secret")])
        let unbound = try metrics.test.expectCounter("scim_callout_decisions_total", [("result", "deny"), ("reason", "no_binding")])
        #expect(allowed.totalValue == 3)
        #expect(wrong.totalValue == 2)
        #expect(unbound.totalValue == 1)
        #expect(metrics.madeCounters(label: "scim_callout_decisions_total") == 3)
    }

    @Test func expiryAppearsInTheLogLine() {
        let box = CapturingLogHandler.Box()
        let log = DecisionLog(logger: Logger(label: "d", factory: { _ in CapturingLogHandler(box: box) }))
        log.record(DecisionRecord(time: Date(timeIntervalSince1970: 0), result: .allow, reason: .allowed,
                                  jwtExpires: Date(timeIntervalSince1970: 1_767_229_200.75)))
        let lines = box.lock.withLock { box.lines }
        #expect(lines.first?.metadata["jwt.expires"] == "2026-01-01T01:00:00Z")
    }
}

/// `TestMetrics` that also counts how often a counter was made.
final class CountingMetrics: MetricsFactory, Sendable {
    let test = TestMetrics()
    private let made = Mutex<[String: Int]>([:])

    func madeCounters(label: String) -> Int { made.withLock { $0[label] ?? 0 } }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        made.withLock { $0[label, default: 0] += 1 }
        return test.makeCounter(label: label, dimensions: dimensions)
    }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        test.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        test.makeTimer(label: label, dimensions: dimensions)
    }
    func destroyCounter(_ handler: any CounterHandler) { test.destroyCounter(handler) }
    func destroyRecorder(_ handler: any RecorderHandler) { test.destroyRecorder(handler) }
    func destroyTimer(_ handler: any TimerHandler) { test.destroyTimer(handler) }
}

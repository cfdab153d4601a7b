import Testing
@testable import AuthCallout

/// The throttle alone, table-driven: no clock, no lock. Each row plays password checks at given
/// times (seconds from a start) and checks each verdict.
@Suite("Password throttle: buckets and backoff per user and source")
struct PasswordThrottleTests {
    enum Then: Sendable, Equatable {
        /// Admitted, and the check ends at once like this.
        case admitted(PasswordThrottle.Outcome)
        /// Admitted and left waiting (never finished).
        case held
        case throttled(PasswordThrottle.Scope)
    }

    struct Step: Sendable {
        var at: Double
        var user: String
        var source: String
        var then: Then
        /// When throttled: the retry hint expected (seconds), if any.
        var retryAfter: Double? = nil

        init(_ at: Double, _ user: String, _ source: String, _ then: Then, retryAfter: Double? = nil) {
            self.at = at
            self.user = user
            self.source = source
            self.then = then
            self.retryAfter = retryAfter
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var settings: PasswordThrottle.Settings
        var steps: [Step]
        var testDescription: String { name }
    }

    /// Generous everywhere, so each row tightens only the limit it is about.
    static func settings(sourceBurst: Int = 1000, sourcePerMinute: Int = 60, userBurst: Int = 1000, userPerMinute: Int = 60,
                         freeFailures: Int = 1000, maxBackoff: Duration = .seconds(60), forgetAfter: Duration = .seconds(900),
                         userMaxWaiting: Int = 100, sourceMaxWaiting: Int = 100) -> PasswordThrottle.Settings {
        .init(sourceBurst: sourceBurst, sourcePerMinute: sourcePerMinute, userBurst: userBurst, userPerMinute: userPerMinute,
              freeFailures: freeFailures, maxBackoff: maxBackoff, forgetAfter: forgetAfter, userMaxWaiting: userMaxWaiting,
              sourceMaxWaiting: sourceMaxWaiting)
    }

    static let rows: [Row] = [
        Row(name: "failures in a row from one source back off exponentially, up to the cap",
            settings: settings(freeFailures: 2, maxBackoff: .seconds(4)),
            steps: [
                Step(0, "a", "s1", .admitted(.failure)), Step(0, "b", "s1", .admitted(.failure)),
                Step(0, "c", "s1", .admitted(.failure)), // the third in a row: blocked 1 s
                Step(0.5, "d", "s1", .throttled(.source), retryAfter: 0.5),
                Step(1, "d", "s1", .admitted(.failure)), // blocked 2 s
                Step(2.9, "e", "s1", .throttled(.source)),
                Step(3, "e", "s1", .admitted(.failure)), // 4 s
                Step(7, "f", "s1", .admitted(.failure)), // 8 s, capped at 4
                Step(10.9, "g", "s1", .throttled(.source), retryAfter: 0.1),
                Step(11, "g", "s1", .admitted(.failure)),
                // Another source is not held back by s1's failures.
                Step(11, "g", "s2", .admitted(.failure)),
            ]),
        Row(name: "a source's bucket runs dry on failures and refills with time",
            settings: settings(sourceBurst: 2, sourcePerMinute: 60),
            steps: [
                Step(0, "a", "s1", .admitted(.failure)), Step(0, "b", "s1", .admitted(.failure)),
                Step(0, "c", "s1", .throttled(.source), retryAfter: 1),
                Step(0.5, "c", "s1", .throttled(.source), retryAfter: 0.5),
                Step(1, "c", "s1", .admitted(.failure)),
                Step(1, "d", "s1", .throttled(.source)),
            ]),
        Row(name: "a matching password gives its token back: successes never use a bucket up",
            settings: settings(sourceBurst: 1, userBurst: 1),
            steps: [
                Step(0, "a", "s1", .admitted(.failure)), // s1 has failed: the user's limits apply from now on
                Step(60, "a", "s1", .admitted(.success)), Step(60, "a", "s1", .admitted(.success)),
                Step(60, "b", "s1", .admitted(.success)), Step(60, "a", "s1", .admitted(.failure)),
                Step(60, "a", "s1", .throttled(.source)),
            ]),
        Row(name: "a success ends the failures in a row and the block",
            settings: settings(freeFailures: 1, maxBackoff: .seconds(60)),
            steps: [
                Step(0, "a", "s1", .admitted(.failure)), Step(0, "a", "s1", .admitted(.failure)), // blocked 1 s
                Step(1, "a", "s1", .admitted(.failure)), // 2 s
                Step(3, "a", "s1", .admitted(.success)),
                Step(3, "a", "s1", .admitted(.failure)), Step(3, "a", "s1", .admitted(.failure)), // the first block again: 1 s
                Step(4, "a", "s1", .admitted(.failure)),
            ]),
        Row(name: "the user's bucket holds back only sources that failed before",
            settings: settings(userBurst: 2, userPerMinute: 1),
            steps: [
                // First tries from fresh sources: not charged to the user.
                Step(0, "victim", "s1", .admitted(.failure)), Step(0, "victim", "s2", .admitted(.failure)),
                Step(0, "victim", "s3", .admitted(.failure)),
                // Sources with failures on record use the user's bucket up...
                Step(1, "victim", "s1", .admitted(.failure)), Step(1, "victim", "s2", .admitted(.failure)),
                Step(1, "victim", "s3", .throttled(.user)),
                // ...while the user still gets in from a source that has not failed.
                Step(1, "victim", "home", .admitted(.success)),
                // The bucket refills: one failure per minute here.
                Step(61, "victim", "s3", .admitted(.failure)),
                Step(61, "victim", "s1", .throttled(.user)),
            ]),
        Row(name: "a distributed spray blocks the user for sources that failed, never for a fresh one",
            settings: settings(freeFailures: 2, maxBackoff: .seconds(60)),
            steps: [
                Step(0, "victim", "bot1", .admitted(.failure)), Step(0, "victim", "bot2", .admitted(.failure)),
                Step(0, "victim", "bot3", .admitted(.failure)), // the user's third in a row: blocked 1 s
                Step(0.5, "victim", "bot1", .throttled(.user)),
                Step(0.5, "victim", "home", .admitted(.success)), // ends the user's failures in a row
                Step(0.5, "victim", "bot1", .admitted(.failure)),
            ]),
        Row(name: "failures are forgotten after forget_after without a new one",
            settings: settings(freeFailures: 0, maxBackoff: .seconds(8), forgetAfter: .seconds(20)),
            steps: [
                Step(0, "a", "s1", .admitted(.failure)), // 1 s
                Step(1, "a", "s1", .admitted(.failure)), // 2 s
                Step(3, "a", "s1", .admitted(.failure)), // 4 s
                Step(6.9, "a", "s1", .throttled(.source)),
                Step(7, "a", "s1", .admitted(.failure)), // 8 s, the cap
                Step(40, "a", "s1", .admitted(.failure)), // forgotten: 1 s again
                Step(41, "a", "s1", .admitted(.failure)),
            ]),
        Row(name: "each user name and each source holds at most its share of waiting checks",
            settings: settings(userMaxWaiting: 2, sourceMaxWaiting: 3),
            steps: [
                Step(0, "a", "s1", .held), Step(0, "a", "s1", .held),
                Step(0, "a", "s2", .throttled(.user)), // a fresh source, but the user already has its share
                Step(0, "b", "s1", .held),
                Step(0, "c", "s1", .throttled(.source)),
                Step(0, "c", "s2", .admitted(.success)),
            ]),
        Row(name: "a check without an answer counts as no failure",
            settings: settings(freeFailures: 0),
            steps: [
                Step(0, "a", "s1", .admitted(.undecided)), Step(0, "a", "s1", .admitted(.undecided)),
                Step(0, "a", "s2", .admitted(.failure)), Step(0.5, "a", "s2", .throttled(.source)),
                Step(0.5, "a", "s1", .admitted(.success)),
            ]),
    ]

    @Test(arguments: rows)
    func verdicts(_ row: Row) {
        var throttle = PasswordThrottle(settings: row.settings)
        let start = ContinuousClock.now
        for (index, step) in row.steps.enumerated() {
            let now = start + .milliseconds(Int64((step.at * 1000).rounded()))
            let verdict = throttle.admit(PasswordThrottle.Key(user: step.user, host: step.source), now: now)
            switch (verdict, step.then) {
            case let (.admitted(ticket), .admitted(outcome)):
                throttle.finish(ticket, outcome, now: now)
            case (.admitted, .held):
                break
            case let (.throttled(scope, retryAfter), .throttled(expected)):
                #expect(scope == expected, "step \(index)")
                if let hint = step.retryAfter {
                    let seconds = retryAfter.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
                    #expect(seconds.map { abs($0 - hint) < 0.01 } == true, "step \(index): retry after \(String(describing: retryAfter))")
                }
            default:
                Issue.record("step \(index) (\(step.user) from \(step.source) at \(step.at) s): \(verdict), expected \(step.then)")
            }
        }
    }

    /// The user is counted by name whatever its case, the source by address (IPv4-mapped IPv6
    /// is IPv4; an IPv6 host by its /64, which one host usually has whole).
    @Test func keysNormalizeNamesAndGroupSourcesByNetwork() {
        typealias Key = PasswordThrottle.Key
        #expect(Key(user: "Alice", host: "10.0.0.7") == Key(user: "alice", host: "::ffff:10.0.0.7"))
        #expect(Key(user: "a", host: "2001:db8:1:2::1").source == Key(user: "a", host: "2001:db8:1:2:ffff::9").source)
        #expect(Key(user: "a", host: "2001:db8:1:2::1").source != Key(user: "a", host: "2001:db8:1:3::1").source)
        #expect(Key(user: "a", host: "10.0.0.7").source != Key(user: "a", host: "10.0.0.8").source)
        #expect(Key(user: "a", host: nil).source == Key(user: "a", host: "").source)
        #expect(Key(user: "a", host: "not-an-address").source != Key(user: "a", host: nil).source)
    }

    /// A spray of distinct names and sources never grows the tables past their capacity, and
    /// what is idle again (full bucket, no failure) is not kept at all.
    @Test func tablesStayWithinCapacityAndForgetIdleEntries() {
        var throttle = PasswordThrottle(settings: Self.settings(userMaxWaiting: 100))
        var limited = PasswordThrottle(settings: .init(capacity: 8))
        let now = ContinuousClock.now
        for index in 0 ..< 100 {
            let key = PasswordThrottle.Key(user: "user-\(index)", host: "10.0.\(index / 250).\(index % 250)")
            if case let .admitted(ticket) = throttle.admit(key, now: now) { throttle.finish(ticket, .success, now: now) }
            if case let .admitted(ticket) = limited.admit(key, now: now) { limited.finish(ticket, .failure, now: now) }
            #expect(limited.count.users <= 8 && limited.count.sources <= 8)
        }
        #expect(throttle.count.users == 0 && throttle.count.sources == 0, "successes leave nothing behind")
        #expect(limited.count.users > 0)
    }

    /// The defaults are the documented ones (docs/configuration.md, `callout.throttle.*`).
    @Test func defaultsAreTheDocumentedOnes() {
        let settings = PasswordThrottle.Settings()
        #expect(settings.sourceBurst == 30 && settings.sourcePerMinute == 120)
        #expect(settings.userBurst == 10 && settings.userPerMinute == 10)
        #expect(settings.freeFailures == 5 && settings.maxBackoff == .seconds(60) && settings.forgetAfter == .seconds(900))
        #expect(settings.userMaxWaiting == 4 && settings.sourceMaxWaiting == 16)
        #expect(settings.backoff(afterFailures: 5) == .zero && settings.backoff(afterFailures: 6) == .seconds(1))
        #expect(settings.backoff(afterFailures: 8) == .seconds(4) && settings.backoff(afterFailures: 1000) == .seconds(60))
    }
}

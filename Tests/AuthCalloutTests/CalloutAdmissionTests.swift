import Testing
@testable import AuthCallout

/// What `CalloutService` decides, under one lock, before a decision may wait for an argon2id
/// check: the throttle first, then a place among `maxInFlight`.
@Suite("Callout admission: throttle, then a place")
struct CalloutAdmissionTests {
    typealias Key = PasswordThrottle.Key

    static let tight = PasswordThrottle.Settings(sourceBurst: 1, freeFailures: 0, userMaxWaiting: 1, sourceMaxWaiting: 10)

    @Test func aThrottledCheckIsRefusedBeforeThePlacesAreCounted() {
        var admission = CalloutService.Admission(throttle: PasswordThrottle(settings: Self.tight))
        let now = ContinuousClock.now
        guard case let .admitted(first) = admission.admit(Key(user: "a", host: "10.0.0.1"), maxInFlight: 1, now: now) else {
            Issue.record("the first check is admitted"); return
        }
        // Every place is taken, yet a check the throttle refuses says so (not overloaded)...
        #expect(admission.admit(Key(user: "a", host: "10.0.0.2"), maxInFlight: 1, now: now) == .throttled(.user, retryAfter: nil))
        // ...and one it admits finds no place: overloaded, and its token is given back.
        #expect(admission.admit(Key(user: "b", host: "10.0.0.3"), maxInFlight: 1, now: now) == .overloaded)
        admission.finish(first, .failure, now: now)
        #expect(admission.inFlight == 0)
        guard case .admitted = admission.admit(Key(user: "b", host: "10.0.0.3"), maxInFlight: 1, now: now) else {
            Issue.record("b's source kept its only token when it was shed"); return
        }
        // The failure blocks the first source (free_failures 0) for a second.
        #expect(admission.admit(Key(user: "c", host: "10.0.0.1"), maxInFlight: 2, now: now)
                == .throttled(.source, retryAfter: .seconds(1)))
    }

    @Test func withoutAThrottleOnlyThePlacesCount() {
        var admission = CalloutService.Admission(throttle: nil)
        let now = ContinuousClock.now
        let key = Key(user: "a", host: "10.0.0.1")
        #expect(admission.admit(key, maxInFlight: 2, now: now) == .admitted(nil))
        #expect(admission.admit(key, maxInFlight: 2, now: now) == .admitted(nil))
        #expect(admission.admit(key, maxInFlight: 2, now: now) == .overloaded)
        admission.finish(nil, .failure, now: now)
        #expect(admission.admit(key, maxInFlight: 2, now: now) == .admitted(nil))
    }
}

import Foundation
import IdentityStore
@testable import scim_callout
import Testing

@Suite("SCIM token expiry: gauge values and warnings")
struct TokenExpiryWatchTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let day: TimeInterval = 86_400

    func token(_ name: String, expiresIn: TimeInterval?, revoked: Bool = false) -> TokenInfo {
        TokenInfo(id: UUID().uuidString, name: name, userId: nil, created: now.addingTimeInterval(-day),
                  expiresAt: expiresIn.map { now.addingTimeInterval($0) }, revokedAt: revoked ? now : nil)
    }

    @Test func aNameCountsByItsLastExpiringUnrevokedToken() {
        let expiries = TokenExpiryWatch.expiries([
            token("okta", expiresIn: 3 * day),        // the old token, in its overlap
            token("okta", expiresIn: 90 * day),       // its successor
            token("entra", expiresIn: nil),           // never expires: no series
            token("entra", expiresIn: 2 * day),
            token("gone", expiresIn: 5 * day, revoked: true),
            token("lapsed", expiresIn: -day),
        ], at: now)
        #expect(expiries == ["okta": 90 * day, "lapsed": -day])
    }

    @Test func warnsOnEnteringTheWindowThenDailyAndRemovesRevokedNames() throws {
        var watch = TokenExpiryWatch()
        let okta = token("okta", expiresIn: 20 * day)
        #expect(watch.observe([okta], at: now) == [.record(name: "okta", seconds: 20 * day)])

        let inWindow = now.addingTimeInterval(7 * day)
        let expiresAt = try #require(okta.expiresAt)
        #expect(watch.observe([okta], at: inWindow) == [
            .record(name: "okta", seconds: 13 * day), .warn(name: "okta", expiresAt: expiresAt),
        ])
        let hourLater = inWindow.addingTimeInterval(3_600)
        #expect(watch.observe([okta], at: hourLater) == [.record(name: "okta", seconds: 13 * day - 3_600)],
                "no second warning within a day")
        let dayLater = inWindow.addingTimeInterval(day)
        #expect(watch.observe([okta], at: dayLater).contains(.warn(name: "okta", expiresAt: expiresAt)))

        var revoked = okta
        revoked.revokedAt = dayLater
        #expect(watch.observe([revoked], at: dayLater) == [.remove(name: "okta")])
        #expect(watch.observe([revoked], at: dayLater).isEmpty)
    }

    @Test func aRotationDuringTheWindowStopsTheWarnings() {
        var watch = TokenExpiryWatch()
        let old = token("okta", expiresIn: 5 * day)
        #expect(watch.observe([old], at: now).contains { if case .warn = $0 { true } else { false } })
        let successor = token("okta", expiresIn: 90 * day)
        let later = now.addingTimeInterval(2 * day)
        #expect(watch.observe([old, successor], at: later) == [.record(name: "okta", seconds: 88 * day)])
    }
}

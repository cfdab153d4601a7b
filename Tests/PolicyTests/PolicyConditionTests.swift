import Foundation
import Testing
@testable import Policy

@Suite("CIDR ranges, time windows, durations")
struct PolicyConditionTests {
    /// The network of a given size around an address (what the password throttle counts a
    /// source by): IPv4 as is, IPv6 by its /64, IPv4-mapped IPv6 as IPv4, nothing for a non-address.
    @Test func enclosingNetworks() throws {
        #expect(CIDRRange.enclosing(host: "10.1.2.3", ipv4PrefixLength: 32, ipv6PrefixLength: 64)?.description == "10.1.2.3/32")
        #expect(CIDRRange.enclosing(host: "::ffff:10.1.2.3", ipv6PrefixLength: 64)?.description == "10.1.2.3/32")
        let v6 = try #require(CIDRRange.enclosing(host: "[2001:db8:1:2:aaaa::7]", ipv6PrefixLength: 64))
        #expect(v6 == (try CIDRRange("2001:db8:1:2::/64")) && v6.contains(host: "2001:db8:1:2::1"))
        #expect(CIDRRange.enclosing(host: "::1")?.prefixLength == 128)
        #expect(CIDRRange.enclosing(host: "not-an-ip") == nil && CIDRRange.enclosing(host: "") == nil)
    }

    @Test func ipv4Ranges() throws {
        let range = try CIDRRange("10.1.0.0/16")
        #expect(range.contains(host: "10.1.200.3"))
        #expect(!range.contains(host: "10.2.0.1"))
        #expect(range.contains(host: "::ffff:10.1.0.9"))
        #expect(!range.contains(host: "not-an-ip"))
        #expect(!range.contains(host: "::1"))
        #expect(try CIDRRange("127.0.0.1").contains(host: "127.0.0.1"))
        #expect(try CIDRRange("0.0.0.0/0").contains(host: "203.0.113.7"))
        #expect(try CIDRRange("10.1.2.3/8").description == "10.0.0.0/8")
    }

    @Test func ipv6Ranges() throws {
        let range = try CIDRRange("2001:db8::/32")
        #expect(range.contains(host: "2001:db8:1::5"))
        #expect(range.contains(host: "[2001:db8::1]"))
        #expect(!range.contains(host: "2001:db9::1"))
        #expect(try CIDRRange("::1/128").contains(host: "::1"))
    }

    @Test(arguments: ["10.0.0.0/33", "10.0.0/8", "::/129", "abc", "10.0.0.0/-1", "10.0.0.0/8/8", "", "10.0.0.0/ 8"])
    func rejectsBadNetworks(_ text: String) {
        #expect(throws: CIDRRangeError.self) { try CIDRRange(text) }
    }

    @Test func dayWindow() throws {
        let window = try TimeWindow(start: "08:00:00", end: "18:00:00")
        #expect(window.remaining(atSecondOfDay: 8 * 3600) == 10 * 3600)
        #expect(window.remaining(atSecondOfDay: 17 * 3600 + 59 * 60 + 59) == 1)
        #expect(window.remaining(atSecondOfDay: 18 * 3600) == nil)
        #expect(window.remaining(atSecondOfDay: 7 * 3600) == nil)
    }

    @Test func overnightWindow() throws {
        let window = try TimeWindow(start: "22:00:00", end: "06:00:00")
        #expect(window.remaining(atSecondOfDay: 23 * 3600) == 7 * 3600)
        #expect(window.remaining(atSecondOfDay: 3600) == 5 * 3600)
        #expect(window.remaining(atSecondOfDay: 12 * 3600) == nil)
        #expect(window.description == "22:00:00-06:00:00")
    }

    @Test(arguments: [("8:00:00", "18:00:00"), ("08:00", "18:00:00"), ("24:00:00", "01:00:00"), ("08:60:00", "09:00:00"), ("08:00:00", "08:00:00")])
    func rejectsBadWindows(_ start: String, _ end: String) {
        #expect(throws: TimeWindowError.self) { try TimeWindow(start: start, end: end) }
    }

    @Test func durations() {
        #expect(DurationText.parse("3600") == .seconds(3600))
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("1d") == nil)
        #expect(DurationText.parse("") == nil)
        #expect(DurationText.parse("-5") == nil)
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
    }
}

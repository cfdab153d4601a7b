import Foundation
import NIOCore
import Testing
@testable import scim_callout

@Suite("UsableCPUs: NIO's core count narrowed by the CPU affinity")
struct UsableCPUsTests {
    @Test(arguments: [("0", 1), ("0-1", 2), ("0-3,8,10-11", 7), (" 5\n", 1), ("1,3,5,7", 4)])
    func countsACPUList(list: String, expected: Int) {
        #expect(UsableCPUs.cpuCount(inList: list) == expected)
    }

    @Test(arguments: ["", "-", "a", "3-1", "1-2-3", "0,,1", "-1", "0-"])
    func refusesWhatIsNotACPUList(list: String) {
        #expect(UsableCPUs.cpuCount(inList: list) == nil)
    }

    @Test func neverExceedsNIOsCoreCount() throws {
        let affinity = try #require(UsableCPUs.affinityCount, "Linux's /proc/self/status has Cpus_allowed_list")
        #expect(affinity >= 1)
        #expect(UsableCPUs.count == min(System.coreCount, affinity))
    }
}

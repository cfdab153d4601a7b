import Foundation
import JetStream
import Snapshots
import Testing

@Suite("Snapshot schedule: one per interval per cluster")
struct SnapshotScheduleTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func snapshot(_ sequence: UInt64, takenSecondsAgo age: TimeInterval) -> SnapshotRecord {
        let formatter = ISO8601DateFormatter()
        let info = ObjectInfo(name: SnapshotRecord.objectName(sequence: sequence), bucket: "S_SNAPSHOTS", nuid: "n",
                              size: 1, modified: formatter.string(from: now.addingTimeInterval(-age)), chunks: 1,
                              digest: "SHA-256=x", headers: ["Scim-Callout-Sequence": [String(sequence)]])
        guard let record = SnapshotRecord(info) else { preconditionFailure("not a snapshot record") }
        return record
    }

    @Test func dueWhenTheNewestIsOlderThanTheIntervalAndBehind() {
        #expect(SnapshotSchedule.isDue(newest: Self.snapshot(10, takenSecondsAgo: 3_601), applied: 11, isApplying: true,
                                       now: Self.now, interval: .seconds(3_600)))
        #expect(SnapshotSchedule.isDue(newest: nil, applied: 0, isApplying: true, now: Self.now, interval: .seconds(3_600)))
    }

    @Test func notDueWhenAnotherReplicaTookOneWithinTheInterval() {
        #expect(!SnapshotSchedule.isDue(newest: Self.snapshot(10, takenSecondsAgo: 600), applied: 50, isApplying: true,
                                        now: Self.now, interval: .seconds(3_600)))
    }

    @Test func notDueWhenNothingWasAppliedSinceTheNewest() {
        #expect(!SnapshotSchedule.isDue(newest: Self.snapshot(10, takenSecondsAgo: 7_200), applied: 10, isApplying: true,
                                        now: Self.now, interval: .seconds(3_600)))
    }

    @Test func neverDueOnAReplicaThatIsNotApplying() {
        #expect(!SnapshotSchedule.isDue(newest: nil, applied: 5, isApplying: false, now: Self.now, interval: .seconds(60)))
        #expect(!SnapshotSchedule.isDue(newest: Self.snapshot(1, takenSecondsAgo: 7_200), applied: 5, isApplying: false,
                                        now: Self.now, interval: .seconds(60)))
    }
}

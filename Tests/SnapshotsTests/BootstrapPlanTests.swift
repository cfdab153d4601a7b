import JetStream
import Snapshots
import Testing

@Suite("Bootstrap plan: resume, restore or refuse")
struct BootstrapPlanTests {
    static func snapshot(_ sequence: UInt64) -> SnapshotRecord {
        let headers = ["Scim-Callout-Sequence": [String(sequence)]]
        let info = ObjectInfo(name: SnapshotRecord.objectName(sequence: sequence), bucket: "S_SNAPSHOTS", nuid: "n",
                              size: 1, chunks: 1, digest: "SHA-256=x", headers: headers)
        guard let record = SnapshotRecord(info) else { preconditionFailure("not a snapshot record") }
        return record
    }

    @Test func aStoreTheTailStillCoversResumesAfterItsPosition() {
        // Stream holds 11…20; the store applied 10: nothing is missing.
        #expect(BootstrapPlan.decide(hasStore: true, applied: 10, firstSequence: 11, lastSequence: 20,
                                     newest: Self.snapshot(15)) == .resume(from: 11))
        // Up to date with an empty (fully trimmed) stream.
        #expect(BootstrapPlan.decide(hasStore: true, applied: 20, firstSequence: 21, lastSequence: 20,
                                     newest: Self.snapshot(20)) == .resume(from: 21))
    }

    @Test func aStoreBelowTheTrimmedRangeRestoresTheNewestSnapshot() {
        #expect(BootstrapPlan.decide(hasStore: true, applied: 9, firstSequence: 21, lastSequence: 25,
                                     newest: Self.snapshot(20)) == .restore(Self.snapshot(20)))
    }

    @Test func aNewReplicaRestoresWhenASnapshotExistsAndStartsEmptyOnAnUntrimmedStream() {
        #expect(BootstrapPlan.decide(hasStore: false, applied: 0, firstSequence: 21, lastSequence: 25,
                                     newest: Self.snapshot(20)) == .restore(Self.snapshot(20)))
        #expect(BootstrapPlan.decide(hasStore: false, applied: 0, firstSequence: 1, lastSequence: 25,
                                     newest: Self.snapshot(20)) == .restore(Self.snapshot(20)))
        #expect(BootstrapPlan.decide(hasStore: false, applied: 0, firstSequence: 1, lastSequence: 25,
                                     newest: nil) == .resume(from: 1))
        #expect(BootstrapPlan.decide(hasStore: false, applied: 0, firstSequence: 1, lastSequence: 0,
                                     newest: nil) == .resume(from: 1))
    }

    @Test func noSnapshotCoveringTheGapRefuses() {
        let cases: [(Bool, UInt64, SnapshotRecord?)] = [
            (true, 5, nil), (true, 5, Self.snapshot(8)), (false, 0, nil), (false, 0, Self.snapshot(8)),
        ]
        for (hasStore, applied, newest) in cases {
            let plan = BootstrapPlan.decide(hasStore: hasStore, applied: applied, firstSequence: 21, lastSequence: 30,
                                            newest: newest)
            guard case .refuse(let error) = plan else {
                Issue.record("expected a refusal for \(hasStore) \(applied) \(String(describing: newest)), got \(plan)")
                continue
            }
            #expect(error.code == .uncovered)
            #expect(error.reason.contains("stream starts at 21"))
        }
    }

    @Test func aStoreAheadOfTheStreamRefuses() {
        let plan = BootstrapPlan.decide(hasStore: true, applied: 40, firstSequence: 1, lastSequence: 30, newest: nil)
        guard case .refuse(let error) = plan else { Issue.record("expected a refusal, got \(plan)"); return }
        #expect(error.code == .aheadOfStream)
    }

    @Test func recordsParseOnlySnapshotObjects() {
        #expect(SnapshotRecord.objectName(sequence: 42) == "snapshot-00000000000000000042.sqlite")
        #expect(Self.snapshot(42).sequence == 42)
        let other = ObjectInfo(name: "notes.txt", bucket: "b", nuid: "n", size: 1, chunks: 1, digest: "",
                               headers: ["Scim-Callout-Sequence": ["42"]])
        #expect(SnapshotRecord(other) == nil)
    }
}

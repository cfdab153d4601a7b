import Foundation
import IdentityStore
import JetStream

/// Runs ``BootstrapPlan`` before a replica opens its store: reads the store's position and the
/// stream's range, decides, and restores the newest snapshot when the plan says so.
public enum SnapshotBootstrap {
    /// - Returns: the sequence the apply loop starts from.
    /// - Throws: ``SnapshotError`` when the replica must not serve (`.uncovered`,
    ///   `.aheadOfStream`, or a snapshot that fails its checks), or the transport's error.
    public static func prepare(storePath: String, snapshots: SnapshotStore) async throws -> UInt64 {
        let stream = snapshots.settings.stream
        let hasStore = FileManager.default.fileExists(atPath: storePath)
        let applied = hasStore
            ? try IdentityDatabase.inspectSnapshot(atPath: storePath, stream: stream, checkingIntegrity: false).appliedSequence
            : 0
        let range = try await streamRange(stream, js: snapshots.js)
        let plan = BootstrapPlan.decide(
            hasStore: hasStore, applied: applied, firstSequence: range.first,
            lastSequence: range.last, newest: try await snapshots.newest())
        switch plan {
        case .resume(let next):
            return next
        case .restore(let record):
            let restored = try await snapshots.restore(record, at: storePath)
            return restored.facts.appliedSequence + 1
        case .refuse(let error):
            throw error
        }
    }

    /// The stream's first and last sequence; a stream that does not exist yet (the cluster's
    /// first start: serve creates it next) counts as new and empty.
    private static func streamRange(_ stream: String, js: JetStreamContext) async throws -> (first: UInt64, last: UInt64) {
        do {
            let state = try await js.streamInfo(stream).state
            return (state.firstSequence, state.lastSequence)
        } catch where error.code == .streamNotFound {
            return (1, 0)
        }
    }
}

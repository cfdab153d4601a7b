import Foundation
import IdentityStore
import JetStream
import NATSClient
import NIOCore
import Snapshots
import Testing
import TestSupport

@Suite("Snapshots against nats-server", .serialized)
struct SnapshotServerTests {
    @Test func aFreshReplicaBootstrapsFromTheSnapshotAndTheTrimmedStream() async throws {
        let env = try await SnapshotFixture.start()
        let writerPath = env.path("writer.sqlite")
        try await env.publishChanges(10)
        try await SnapshotFixture.writerStore(at: writerPath, sequence: 10)
        let snapshots = try await env.snapshots()
        let writer = try IdentityDatabase.open(path: writerPath, logger: SnapshotFixture.logger)

        let record = try await snapshots.take(from: writer, temporaryDirectory: env.directory)
        #expect(record.sequence == 10)
        #expect(record.name == "snapshot-00000000000000000010.sqlite")
        #expect(record.users == 3 && record.groups == 1 && record.memberships == 2)
        #expect(record.migration == IdentityDatabase.newestKnownMigration)
        // Everything the snapshot holds is purged; the tail after it stays.
        try await env.publishChanges(2)
        let state = try await env.js.streamInfo(SnapshotFixture.stream).state
        #expect(state.firstSequence == 11)
        #expect(state.lastSequence == 12)

        let replicaPath = env.path("replica.sqlite")
        let next = try await SnapshotBootstrap.prepare(storePath: replicaPath, snapshots: env.snapshots(replica: "r2"))
        #expect(next == 11)
        #expect(try SnapshotFixture.identityRows(at: replicaPath) == SnapshotFixture.identityRows(at: writerPath))
        #expect(try SnapshotFixture.identityRows(at: replicaPath).count == 3 + 1 + 2)
        // The restored file opens as a store and answers a lookup.
        let replica = try IdentityDatabase.open(path: replicaPath, logger: SnapshotFixture.logger)
        #expect(try replica.identity(for: .userName("BOB"))?.groups.map(\.displayName) == ["devs"])
        #expect(try await replica.identityDigest() == writer.identityDigest())
        #expect(try await replica.appliedSequence(stream: SnapshotFixture.stream) == 10)

        // nats-py, an independent reader, gets the same bytes and reads the facts from the headers.
        let copy = env.path("py-copy.sqlite")
        let result = try await runPython("""
            import asyncio, hashlib, sys, nats
            async def main():
                nc = await nats.connect(sys.argv[1])
                obs = await nc.jetstream().object_store("SCIM_CALLOUT_SNAPSHOTS")
                res = await obs.get(sys.argv[2])
                open(sys.argv[3], "wb").write(res.data)
                h = res.info.headers
                print(h["Scim-Callout-Sequence"][0], h["Scim-Callout-Users"][0], h["Scim-Callout-Migration"][0], res.info.size)
                await nc.close()
            asyncio.run(main())
            """, arguments: [env.server.url, record.name, copy])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                == "10 3 \(record.migration ?? "-") \(record.size)")
        let facts = try IdentityDatabase.inspectSnapshot(atPath: copy, stream: SnapshotFixture.stream, checkingIntegrity: true)
        #expect(facts.isIntact && facts.appliedSequence == 10 && facts.users == 3)
        try await env.stop()
    }

    @Test func aFlippedByteIsRefusedAndNothingIsInstalled() async throws {
        let env = try await SnapshotFixture.start()
        let writerPath = env.path("writer.sqlite")
        try await env.publishChanges(3)
        try await SnapshotFixture.writerStore(at: writerPath, sequence: 3)
        let snapshots = try await env.snapshots()
        let record = try await snapshots.take(
            from: try IdentityDatabase.open(path: writerPath, logger: SnapshotFixture.logger), temporaryDirectory: env.directory)
        let bucket = try await env.js.objectStore(bucket: "SCIM_CALLOUT_SNAPSHOTS")
        let original = try await bucket.get(name: record.name)
        var flipped = original
        flipped[original.count / 2] ^= 0x01

        // 1. The stored bytes change under the recorded digest: the download refuses them.
        let info = try await bucket.info(name: record.name)
        let nuid = "FLIPPED\(UInt32.random(in: 0...UInt32.max))"
        _ = try await env.js.publish(ByteBuffer(bytes: flipped), to: "$O.SCIM_CALLOUT_SNAPSHOTS.C.\(nuid)")
        var tampered = info
        tampered.nuid = nuid
        tampered.chunks = 1
        var headers = NATSHeaders()
        headers.set(name: "Nats-Rollup", value: "sub")
        let encodedName = Data(record.name.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        _ = try await env.js.publish(ByteBuffer(bytes: try JSONEncoder().encode(tampered)),
                                     to: "$O.SCIM_CALLOUT_SNAPSHOTS.M.\(encodedName)", headers: headers)
        let replicaPath = env.path("replica.sqlite")
        let digestError = await #expect(throws: SnapshotError.self) {
            try await SnapshotBootstrap.prepare(storePath: replicaPath, snapshots: snapshots)
        }
        #expect(digestError?.code == .corrupt)
        #expect(!FileManager.default.fileExists(atPath: replicaPath))

        // 2. A damaged file with a digest that matches it (damaged before upload): SQLite's checks refuse it.
        var broken = original
        broken[100] ^= 0xFF  // the first page's b-tree type byte
        let headerValues = try await bucket.info(name: record.name).headers
        try await bucket.put(name: record.name, data: broken, headers: headerValues)
        let integrityError = await #expect(throws: SnapshotError.self) {
            try await SnapshotBootstrap.prepare(storePath: replicaPath, snapshots: snapshots)
        }
        #expect(integrityError?.code == .corrupt)
        #expect(!FileManager.default.fileExists(atPath: replicaPath))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: env.directory.path).filter { $0.hasPrefix(".restore-") }
        #expect(leftovers.isEmpty)
        try await env.stop()
    }

    @Test func aReplicaBelowThePurgedRangeRestoresAndWithoutASnapshotRefuses() async throws {
        let env = try await SnapshotFixture.start()
        let writerPath = env.path("writer.sqlite")
        try await env.publishChanges(5)
        try await SnapshotFixture.writerStore(at: writerPath, sequence: 5)
        let snapshots = try await env.snapshots(keep: 2)
        let writer = try IdentityDatabase.open(path: writerPath, logger: SnapshotFixture.logger)
        _ = try await snapshots.take(from: writer, temporaryDirectory: env.directory)
        let replicaPath = env.path("replica.sqlite")
        #expect(try await SnapshotBootstrap.prepare(storePath: replicaPath, snapshots: snapshots) == 6)

        // The writer moves on (a new user, 5 more changes) and snapshots again: the stream now
        // starts after 10, and the replica, still at 5, cannot catch up from it.
        _ = try await writer.createUser(UserInput(userName: "dave", resource: #"{"userName":"dave"}"#))
        try await env.publishChanges(5)
        try SnapshotFixture.setPosition(10, at: writerPath)
        let second = try await snapshots.take(from: writer, temporaryDirectory: env.directory)
        #expect(second.sequence == 10)
        #expect(try await env.js.streamInfo(SnapshotFixture.stream).state.firstSequence == 11)
        #expect(try SnapshotFixture.identityRows(at: replicaPath) != SnapshotFixture.identityRows(at: writerPath))

        #expect(try await SnapshotBootstrap.prepare(storePath: replicaPath, snapshots: snapshots) == 11)
        #expect(try SnapshotFixture.identityRows(at: replicaPath) == SnapshotFixture.identityRows(at: writerPath))
        let backups = try FileManager.default.contentsOfDirectory(atPath: env.directory.path)
            .filter { $0.hasPrefix("replica.sqlite.before-restore-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
        #expect(backups.count == 1, "the replaced store is kept: \(backups)")

        // Keep 2: a third snapshot removes the first.
        try await env.publishChanges(1)
        try SnapshotFixture.setPosition(11, at: writerPath)
        _ = try await snapshots.take(from: writer, temporaryDirectory: env.directory)
        #expect(try await snapshots.list().map(\.sequence) == [10, 11])

        // With every snapshot gone, a replica that fell behind the stream is refused.
        for old in try await snapshots.list() {
            try await env.js.objectStore(bucket: "SCIM_CALLOUT_SNAPSHOTS").remove(name: old.name)
        }
        try await env.publishChanges(1)
        try await env.js.purgeStream(SnapshotFixture.stream, PurgeRequest(upToSequence: 13))
        let error = await #expect(throws: SnapshotError.self) {
            try await SnapshotBootstrap.prepare(storePath: replicaPath, snapshots: snapshots)
        }
        #expect(error?.code == .uncovered)
        try await env.stop()
    }
}

import Foundation
import GRDB
import IdentityStore
import JetStream
import Logging
import NATSClient
import NIOCore
import Snapshots
import TestSupport

/// Bootstrap of a new replica at `users` users (issue 15, item 5): a store built with SQL (a
/// template user made by the store, cloned by `INSERT … SELECT`; 100 groups, each user in one or
/// two), a snapshot of it in a real nats-server's Object Store, then, timed apart: the snapshot
/// (`VACUUM INTO` + upload), the restore into an empty folder (download with SHA-256,
/// `integrity_check`, atomic install), the store's open, and the first credential lookup.
///
/// Call from `BenchMain`: `report.add(suite: "Replica bootstrap from a snapshot", results: try await SnapshotBench.run(), note: SnapshotBench.note)`.
enum SnapshotBench {
    static let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
    static let stream = "SCIM_CALLOUT"

    static var note: String {
        "One nats-server with JetStream (file storage, R1) on loopback; the replica's folder is empty, as after a "
            + "wipe. Peak RSS is the bench process's high-water mark during the restore, open and first lookup "
            + "(reset before them through /proc/self/clear_refs)."
    }

    static func run(users: Int = Int(ProcessInfo.processInfo.environment["SNAPSHOT_BENCH_USERS"] ?? "") ?? 1_000_000) async throws -> [BenchResult] {
        let directory = try TestEnvironment.temporaryDirectory("snapshot-bench")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await NATSServerProcess.start(jetStream: true, label: "snapshot-bench")
        let nats = try await NATSConnection.connect(
            NATSConfiguration(servers: [server.url], connectTimeout: .seconds(10)), logger: logger)
        let js = JetStreamContext(connection: nats, timeout: .seconds(30))
        var results: [BenchResult] = []
        do {
            _ = try await js.createStream(StreamConfig(name: stream, subjects: ["scim-callout.changes"]))
            _ = try await js.publish(ByteBuffer(string: "{}"), to: "scim-callout.changes")
            let writerPath = directory.appendingPathComponent("writer.sqlite").path
            let built = ContinuousClock.now
            try await populate(path: writerPath, users: users)
            print("  store with \(users) users built in \(ContinuousClock.now - built)")
            let writer = try IdentityDatabase.open(path: writerPath, logger: logger)
            let snapshots = try await SnapshotStore.open(
                js: js, settings: SnapshotSettings(stream: stream, replica: "bench"), logger: logger)

            let takeStart = ContinuousClock.now
            let record = try await snapshots.take(from: writer, temporaryDirectory: directory)
            let take = SCIMBench.seconds(ContinuousClock.now - takeStart)
            results.append(BenchResult(name: "snapshot file at \(record.users) users, \(record.memberships) memberships",
                                       value: Double(record.size) / 1_048_576, unit: "MiB"))
            results.append(BenchResult(name: "snapshot: VACUUM INTO + upload to the Object Store", value: take, unit: "s"))

            let replicaPath = directory.appendingPathComponent("replica/scim-callout.sqlite").path
            try FileManager.default.createDirectory(atPath: (replicaPath as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            resetPeakRSS()
            let start = ContinuousClock.now
            let next = try await SnapshotBootstrap.prepare(storePath: replicaPath, snapshots: snapshots)
            let restored = ContinuousClock.now
            let replica = try IdentityDatabase.open(path: replicaPath, logger: logger)
            let opened = ContinuousClock.now
            guard next == record.sequence + 1,
                  try replica.identity(for: .userName("user\(users / 2)")) != nil
            else { throw SCIMBench.Failure(description: "the restored store does not answer as the writer's") }
            let ready = ContinuousClock.now
            results.append(BenchResult(name: "restore: download + SHA-256 + integrity_check + install",
                                       value: SCIMBench.seconds(restored - start), unit: "s"))
            results.append(BenchResult(name: "open the restored store (migrations checked, auth readers)",
                                       value: SCIMBench.seconds(opened - restored), unit: "s"))
            results.append(BenchResult(name: "first credential lookup on the restored store",
                                       value: SCIMBench.seconds(ready - opened) * 1000, unit: "ms"))
            results.append(BenchResult(name: "bootstrap total: empty folder to callout-ready (\(users) users)",
                                       value: SCIMBench.seconds(ready - start), unit: "s"))
            if let peak = peakRSS() {
                results.append(BenchResult(name: "peak RSS during the bootstrap", value: Double(peak) / 1024, unit: "MiB"))
            }
        } catch {
            await nats.close()
            try? await server.stop()
            throw error
        }
        await nats.close()
        try await server.stop()
        return results
    }

    /// A store at `path` with `users` users (`user1`…, one password hash, an email each), 100
    /// groups, each user in one or two of them, and replication position 1. The store makes one
    /// template user and the groups; SQL clones the template, so the rows have the store's shape.
    static func populate(path: String, users: Int) async throws {
        do {
            let store = try IdentityDatabase.open(path: path, logger: logger, durability: .normal)
            let hash = try PasswordHasher.testing.hashSync("bench-password")
            _ = try await store.createUser(UserInput(
                userName: "template", displayName: "Template",
                resource: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"template","displayName":"Template"}"#),
                passwordHash: hash)
            for index in 0 ..< 100 {
                _ = try await store.createGroup(GroupInput(
                    displayName: "group-\(index)",
                    resource: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"group-\#(index)"}"#))
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try await queue.write { db in
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                INSERT INTO users (id, user_name, user_name_key, external_id, display_name, display_name_key, active,
                                   password_hash, tags, jwt_lifetime_seconds, resource, version, created, last_modified)
                SELECT printf('%08x-0000-4000-8000-%012x', i, i), 'user' || i, 'user' || i, 'ext-' || i,
                       'User ' || i, 'user ' || i, 1, t.password_hash, t.tags, NULL,
                       replace(replace(t.resource, '"template"', '"user' || i || '"'), 'Template', 'User ' || i),
                       t.version, t.created, t.last_modified
                FROM n, (SELECT * FROM users WHERE user_name = 'template') AS t;
                DELETE FROM users WHERE user_name = 'template';
                INSERT INTO user_emails (user_id, value_key) SELECT id, user_name || '@example.com' FROM users;
                INSERT INTO group_members (group_id, member_id, member_type)
                SELECT g.id, u.id, 'User' FROM users AS u
                JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM groups) AS g
                  ON g.k = u.rowid % 100 OR g.k = (u.rowid * 7 + 3) % 100;
                CREATE TABLE IF NOT EXISTS replication_position (stream TEXT PRIMARY KEY NOT NULL, sequence INTEGER NOT NULL);
                INSERT OR REPLACE INTO replication_position (stream, sequence) VALUES ('\(stream)', 1);
                """, arguments: [users])
        }
        try queue.close()
    }

    /// Resets the kernel's peak-RSS mark (`VmHWM`) so the next figure covers what follows only.
    static func resetPeakRSS() {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
    }

    /// `VmHWM` in KiB, from /proc/self/status; nil off Linux.
    static func peakRSS() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }
}

import Foundation
import GRDB
import IdentityStore
import JetStream
import Logging
import NATSClient
import NIOCore
import Snapshots
import TestSupport

/// A real nats-server with JetStream, the change stream `SCIM_CALLOUT`, and a temporary folder
/// for store files.
struct SnapshotFixture {
    static let logger = Logger(label: "snapshot-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    static let stream = "SCIM_CALLOUT"

    let server: NATSServerProcess
    let nats: NATSConnection
    let js: JetStreamContext
    let directory: URL

    static func start() async throws -> SnapshotFixture {
        let server = try await NATSServerProcess.start(jetStream: true, label: "snapshots")
        let nats = try await NATSConnection.connect(NATSConfiguration(servers: [server.url], connectTimeout: .seconds(10)),
                                                    logger: logger)
        let js = JetStreamContext(connection: nats, timeout: .seconds(10))
        _ = try await js.createStream(StreamConfig(name: stream, subjects: ["scim-callout.changes"]))
        return SnapshotFixture(server: server, nats: nats, js: js, directory: try TestEnvironment.temporaryDirectory("snapshots"))
    }

    func snapshots(replica: String = "r1", keep: Int = 3) async throws -> SnapshotStore {
        try await SnapshotStore.open(js: js, settings: SnapshotSettings(stream: Self.stream, replica: replica, keep: keep),
                                     logger: Self.logger)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Publishes `count` change messages (their content does not matter here).
    func publishChanges(_ count: Int) async throws {
        for index in 0..<count {
            _ = try await js.publish(ByteBuffer(string: #"{"v":1,"n":\#(index)}"#), to: "scim-callout.changes")
        }
    }

    func stop() async throws {
        await nats.close()
        try await server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Sets the store file's applied position as the apply loop would (the table as the
    /// `replication-v1` migration creates it).
    static func setPosition(_ sequence: UInt64, at path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS replication_position (stream TEXT PRIMARY KEY, sequence INTEGER NOT NULL)")
            try db.execute(sql: "INSERT OR REPLACE INTO replication_position (stream, sequence) VALUES (?, ?)",
                           arguments: [stream, Int64(sequence)])
        }
        try queue.close()
    }

    /// The identity tables, row by row in a fixed order: equal on two replicas that hold the same state.
    static func identityRows(at path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            try String.fetchAll(db, sql: """
                SELECT 'u|' || id || '|' || user_name || '|' || active || '|' || coalesce(password_hash, '') || '|' || resource || '|' || version FROM users
                UNION ALL SELECT 'g|' || id || '|' || display_name || '|' || resource || '|' || version FROM groups
                UNION ALL SELECT 'm|' || group_id || '|' || member_id FROM group_members
                UNION ALL SELECT 'e|' || user_id || '|' || value_key FROM user_emails
                ORDER BY 1
                """)
        }
    }

    /// A file store with three users and a group of two, at position `sequence`.
    static func writerStore(at path: String, sequence: UInt64) async throws {
        let store = try IdentityDatabase.open(path: path, logger: logger)
        var ids: [String] = []
        for name in ["alice", "bob", "carol"] {
            let user = try await store.createUser(UserInput(
                userName: name, resource: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(name)"}"#))
            ids.append(user.id)
        }
        _ = try await store.createGroup(
            GroupInput(displayName: "devs", resource: #"{"displayName":"devs"}"#),
            members: ids.prefix(2).map { MemberInput(value: $0, type: "User") })
        try setPosition(sequence, at: path)
    }
}

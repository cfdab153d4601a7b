import CSodium
import Foundation
import GRDB

extension IdentityDatabase {
    /// The stream name `replication_position` rows use when none is given.
    public static let defaultReplicationStream = "SCIM_CALLOUT"

    /// The last stream sequence applied to this store from `stream` (0 when none).
    public func appliedSequence(stream: String = IdentityDatabase.defaultReplicationStream) async throws -> UInt64 {
        try await writer.read { db in try Self.position(db, stream: stream) }
    }

    /// Applies one command at stream position `sequence`; see ``apply(_:stream:)``.
    public func apply(
        _ command: ReplicationCommand, sequence: UInt64, stream: String = IdentityDatabase.defaultReplicationStream
    ) async throws -> ReplicationOutcome {
        let outcomes = try await apply([(command, sequence)], stream: stream)
        return outcomes[0]
    }

    /// Applies commands in the order given, in one transaction (each in its own savepoint),
    /// with each command's id, time, author and origin injected and its stream sequence as the
    /// written resources' version, and stores the highest sequence in `replication_position` in
    /// the same transaction. A command at or below the stored sequence is skipped
    /// (``ReplicationOutcome/alreadyApplied``).
    ///
    /// Deterministic: the same commands applied to the same state give the same rows and the
    /// same outcomes on every replica. A failed precondition is an outcome
    /// (``ReplicationOutcome/rejected(_:)``, ``ReplicationOutcome/stale``), never an error.
    /// - Returns: one outcome per command, in order.
    /// - Throws: anything else (I/O, a full disk): nothing of the batch is stored, and the
    ///   caller must stop applying (the store would otherwise diverge).
    public func apply(
        _ batch: [(command: ReplicationCommand, sequence: UInt64)],
        stream: String = IdentityDatabase.defaultReplicationStream
    ) async throws -> [ReplicationOutcome] {
        guard !batch.isEmpty else { return [] }
        return try await writer.write { db in
            var position = try Self.position(db, stream: stream)
            var outcomes: [ReplicationOutcome] = []
            outcomes.reserveCapacity(batch.count)
            for (command, sequence) in batch {
                guard sequence > position else {
                    outcomes.append(.alreadyApplied)
                    continue
                }
                outcomes.append(try Self.apply(command, sequence: sequence, db))
                position = sequence
            }
            try db.execute(sql: """
                INSERT INTO replication_position (stream, sequence) VALUES (?, ?)
                ON CONFLICT (stream) DO UPDATE SET sequence = excluded.sequence
                """, arguments: [stream, position])
            return outcomes
        }
    }

    /// Runs one command in a savepoint; a deterministic refusal rolls the savepoint back and
    /// becomes the outcome.
    static func apply(_ command: ReplicationCommand, sequence: UInt64, _ db: Database) throws -> ReplicationOutcome {
        if case .probe = command.operation { return .probed }
        let lastChange = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM changes") ?? 0
        var outcome = ReplicationOutcome.stale
        do {
            try db.inSavepoint {
                outcome = try run(command.operation, db, at: command.at, author: command.author.historyAuthor,
                                  version: Int64(sequence))
                guard outcome != .stale else { return .rollback }
                try db.execute(sql: "UPDATE changes SET origin = ? WHERE seq > ?", arguments: [command.origin, lastChange])
                return .commit
            }
        } catch {
            guard let refusal = mapConstraint(error) as? IdentityStoreError else { throw error }
            // Only the outcomes a SCIM client can be given are deterministic refusals.
            guard Self.deterministicRefusals.contains(refusal.code) else { throw error }
            return .rejected(refusal)
        }
        return outcome
    }

    /// The store errors a command's apply may end in: each is decided by the state alone.
    static let deterministicRefusals: Set<IdentityStoreError.Code> = [
        .notFound, .uniqueness, .preconditionFailed, .conflict, .invalidValue,
    ]

    static func run(
        _ operation: ReplicationOperation, _ db: Database, at: Double, author: HistoryAuthor, version: Int64
    ) throws -> ReplicationOutcome {
        switch operation {
        case .createUser(let id, let input, let passwordHash):
            try validate(input)
            return .user(try insertUser(db, input, passwordHash: passwordHash, id: id, at: at, author: author,
                                        assignedVersion: version))
        case .updateUser(let id, let ifMatch, let basedOnVersion, let update):
            try validate(update.input)
            guard let user = try writeUserUpdate(db, id: id, ifMatch: ifMatch, basedOn: basedOnVersion, update,
                                                 at: at, author: author, assignedVersion: version)
            else { return .stale }
            return .user(user)
        case .deleteUser(let id, let ifMatch):
            try deleteUserRows(db, id: id, ifMatch: ifMatch, at: at, author: author, assignedVersion: version)
            return .deleted
        case .createGroup(let id, let input, let members, let lenientMembers):
            try validate(input)
            return .group(try insertGroup(db, input, members: members, id: id, lenientMembers: lenientMembers, at: at,
                                          author: author, assignedVersion: version))
        case .updateGroup(let id, let ifMatch, let basedOnVersion, let update, let lenientMembers):
            try validate(update.input)
            guard let group = try writeGroupUpdate(db, id: id, ifMatch: ifMatch, basedOn: basedOnVersion, update,
                                                   lenientMembers: lenientMembers, at: at, author: author,
                                                   assignedVersion: version)
            else { return .stale }
            return .group(group)
        case .deleteGroup(let id, let ifMatch):
            try deleteGroupRows(db, id: id, ifMatch: ifMatch, at: at, author: author, assignedVersion: version)
            return .deleted
        case .probe:
            return .probed
        }
    }

    static func position(_ db: Database, stream: String) throws -> UInt64 {
        let sequence = try Int64.fetchOne(db, sql: "SELECT sequence FROM replication_position WHERE stream = ?",
                                          arguments: [stream])
        return UInt64(max(0, sequence ?? 0))
    }

    /// The author a write by `author` records, resolved on this store (the writer resolves it
    /// once and every replica records that name).
    public func replicationAuthor(for author: ChangeAuthor) async throws -> ReplicationAuthor {
        try await writer.read { db in
            let resolved = try Self.resolve(author, db)
            return ReplicationAuthor(name: resolved.name, tokenId: resolved.tokenId)
        }
    }
}

extension IdentityDatabase {
    /// The tables the SCIM writes produce, in the order and columns ``identityDigest()`` reads.
    /// `changes.seq` and `identity_history.seq` are left out: local writes (access-token
    /// revocations, `sessions_cut` entries) take numbers of their own on each replica.
    static let digestQueries = [
        "SELECT id, user_name, user_name_key, external_id, display_name, display_name_key, active, password_hash, "
            + "tags, jwt_lifetime_seconds, resource, version, created, last_modified FROM users ORDER BY id",
        "SELECT user_id, value_key FROM user_emails ORDER BY user_id, value_key",
        "SELECT public_key, user_id FROM user_nkeys ORDER BY public_key",
        "SELECT id, display_name, display_name_key, external_id, resource, version, created, last_modified "
            + "FROM groups ORDER BY id",
        "SELECT group_id, member_id, member_type FROM group_members ORDER BY group_id, member_id",
        "SELECT at, author, author_token_id, resource_type, resource_id, resource_name, resource_key, kind, changes "
            + "FROM identity_history WHERE kind <> 'sessions_cut' ORDER BY seq",
    ]

    /// A SHA-256 (hex) of the identity tables (users, emails, nkeys, groups, members, identity
    /// history without `sessions_cut`), equal on two stores exactly when those rows are equal:
    /// replicas that applied the same commands have the same digest.
    public func identityDigest() async throws -> String {
        try await writer.read { db in
            var state = crypto_hash_sha256_state()
            crypto_hash_sha256_init(&state)
            func feed(_ bytes: [UInt8]) {
                bytes.withUnsafeBufferPointer { _ = crypto_hash_sha256_update(&state, $0.baseAddress, UInt64($0.count)) }
            }
            for (index, sql) in Self.digestQueries.enumerated() {
                feed(Array("table \(index)\n".utf8))
                let rows = try Row.fetchCursor(db, sql: sql)
                while let row = try rows.next() {
                    for value in row.databaseValues {
                        // Type tag + length prefix: no two different rows encode to the same bytes.
                        let text: String
                        switch value.storage {
                        case .null: text = "n"
                        case .int64(let int): text = "i\(int)"
                        case .double(let double): text = "d\(double.bitPattern)"
                        case .string(let string): text = "s\(string.utf8.count):\(string)"
                        case .blob(let data): text = "b\(data.count):\(data.base64EncodedString())"
                        }
                        feed(Array(text.utf8))
                        feed([0x1F])
                    }
                    feed([0x1E])
                }
            }
            var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
            crypto_hash_sha256_final(&state, &digest)
            return digest.map { String(format: "%02x", $0) }.joined()
        }
    }
}

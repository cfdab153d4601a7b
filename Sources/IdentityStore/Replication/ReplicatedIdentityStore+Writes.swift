import Foundation
import JetStream
import NIOCore

extension ReplicatedIdentityStore {
    /// Creates a user with a new id; see ``IdentityDatabase/createUser(_:passwordHash:id:author:)``.
    /// - Throws: ``IdentityStoreError``: `.uniqueness`, `.invalidValue`, `.unavailable` (no apply in time).
    public func createUser(_ input: UserInput, passwordHash: String?, author: ChangeAuthor) async throws -> StoredUser {
        try IdentityDatabase.validate(input)
        let id = UUID().uuidString.lowercased()
        switch try await submit(.createUser(id: id, input: input, passwordHash: passwordHash), author: author) {
        case .user(let user): return user
        case let outcome: throw Self.unexpected(outcome, for: "user.create")
        }
    }

    /// Replaces user `id` with what `transform` computes from its current state (PUT, PATCH).
    ///
    /// `transform` runs on this replica's state; when another write got into the stream first,
    /// the apply reports the command stale and `transform` runs again on the newer state
    /// (``ReplicationSettings/maxTransformAttempts`` times, then a 409 conflict).
    /// - Throws: ``IdentityStoreError`` (`.notFound`, `.preconditionFailed`, `.uniqueness`,
    ///   `.conflict`, `.unavailable`), or what `transform` throws.
    public func updateUser(
        id: String, ifMatch: Int64?, author: ChangeAuthor, _ transform: @Sendable (StoredUser) async throws -> UserUpdate
    ) async throws -> StoredUser {
        try await submitUpdate(.user, id: id, author: author, read: { try await self.database.user(id: id) },
                               written: \.user) { current in
            let update = try await transform(current)
            try IdentityDatabase.validate(update.input)
            return .updateUser(id: id, ifMatch: ifMatch, basedOnVersion: current.version, update: update)
        }
    }

    /// Deletes user `id`, its nkeys, access tokens and memberships.
    /// - Throws: ``IdentityStoreError``: `.notFound`, `.preconditionFailed`, `.unavailable`.
    public func deleteUser(id: String, ifMatch: Int64?, author: ChangeAuthor) async throws {
        switch try await submit(.deleteUser(id: id, ifMatch: ifMatch), author: author) {
        case .deleted: return
        case let outcome: throw Self.unexpected(outcome, for: "user.delete")
        }
    }

    /// Creates a group with a new id and `members`.
    /// - Throws: ``IdentityStoreError``: `.uniqueness`, `.invalidValue`, `.unavailable`.
    public func createGroup(
        _ input: GroupInput, members: [MemberInput], lenientMembers: Bool, author: ChangeAuthor
    ) async throws -> StoredGroup {
        try IdentityDatabase.validate(input)
        let id = UUID().uuidString.lowercased()
        let operation = ReplicationOperation.createGroup(id: id, input: input, members: members,
                                                         lenientMembers: lenientMembers)
        switch try await submit(operation, author: author) {
        case .group(let group): return group
        case let outcome: throw Self.unexpected(outcome, for: "group.create")
        }
    }

    /// Replaces group `id` with what `transform` computes (members not loaded); re-runs
    /// `transform` on a stale apply like ``updateUser(id:ifMatch:author:_:)``.
    public func updateGroup(
        id: String, ifMatch: Int64?, lenientMembers: Bool, author: ChangeAuthor,
        _ transform: @Sendable (StoredGroup) async throws -> GroupUpdate
    ) async throws -> StoredGroup {
        try await submitUpdate(.group, id: id, author: author,
                               read: { try await self.database.group(id: id, includeMembers: false) },
                               written: \.group) { current in
            let update = try await transform(current)
            try IdentityDatabase.validate(update.input)
            return .updateGroup(id: id, ifMatch: ifMatch, basedOnVersion: current.version, update: update,
                                lenientMembers: lenientMembers)
        }
    }

    /// Deletes group `id` and its memberships.
    /// - Throws: ``IdentityStoreError``: `.notFound`, `.preconditionFailed`, `.unavailable`.
    public func deleteGroup(id: String, ifMatch: Int64?, author: ChangeAuthor) async throws {
        switch try await submit(.deleteGroup(id: id, ifMatch: ifMatch), author: author) {
        case .deleted: return
        case let outcome: throw Self.unexpected(outcome, for: "group.delete")
        }
    }

    // MARK: - Publish and wait

    /// Publishes `operation` as a command and returns this replica's apply of it.
    /// - Throws: the apply's refusal as ``IdentityStoreError``; `.unavailable` when the command
    ///   was not applied within ``ReplicationSettings/applyTimeout`` (it may still be applied
    ///   later, as with any request whose answer was lost).
    func submit(_ operation: ReplicationOperation, author: ChangeAuthor) async throws -> ReplicationOutcome {
        try requireApplying()
        let command = ReplicationCommand(
            id: UUID().uuidString.lowercased(), origin: settings.replicaID, at: now().timeIntervalSince1970,
            author: try await database.replicationAuthor(for: author), operation: operation)
        let payload = try command.encoded()
        let waiter = ApplyWaiter()
        state.withLock { $0.waiters[command.id] = waiter }
        defer { _ = state.withLock { $0.waiters.removeValue(forKey: command.id) } }
        let deadline = ContinuousClock.now.advanced(by: settings.applyTimeout)

        let outcome: ReplicationOutcome? = try await withThrowingTaskGroup(of: ReplicationOutcome?.self) { group in
            group.addTask {
                try await self.publish(payload, id: command.id, until: deadline)
                return try await waiter.outcome()
            }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let outcome else {
            throw IdentityStoreError(.unavailable, "the write was not applied within \(settings.applyTimeout); retry")
        }
        if case .rejected(let refusal) = outcome { throw refusal }
        // This replica applied the command, so its position is at or past the command's sequence.
        if operation.isRevoking, let wait = state.withLock({ $0.revocationWait }) {
            await wait(appliedSequence)
        }
        return outcome
    }

    /// Publishes with the command id as `Nats-Msg-Id`, retrying (same id, so stored once)
    /// while the stream has no leader or an ack is lost, until `deadline` (``PublishRetry``).
    func publish(_ payload: [UInt8], id: String, until deadline: ContinuousClock.Instant) async throws {
        let retry = PublishRetry(deadline: ContinuousClock.now.duration(to: deadline))
        do {
            _ = try await js.publish(ByteBuffer(bytes: payload), to: settings.commandSubject,
                                     options: PublishOptions(messageID: id), retry: retry)
        } catch {
            let stored = PublishRetry.isRetryable(error, hasMessageID: true) ? "did not store" : "refused"
            throw IdentityStoreError(.unavailable, "the replication stream \(stored) the write: \(error.code)")
        }
    }

    /// The update users and groups share: read the resource (``current(_:)``), let `operation`
    /// compute the command from that state (it runs the caller's transform), publish it, and
    /// start again on the newer state while the apply finds it stale, up to
    /// ``ReplicationSettings/maxTransformAttempts`` times.
    /// - Parameter written: the resource an outcome carries, or nil when it carries none.
    func submitUpdate<Resource: Sendable>(
        _ kind: ResourceKind,
        id: String,
        author: ChangeAuthor,
        read: @Sendable () async throws -> Resource?,
        written: (ReplicationOutcome) -> Resource?,
        operation: (Resource) async throws -> ReplicationOperation
    ) async throws -> Resource {
        for _ in 0..<max(1, settings.maxTransformAttempts) {
            guard let current = try await current(read) else {
                throw IdentityStoreError(.notFound, "\(kind.rawValue) \(id) not found")
            }
            let outcome = try await submit(try await operation(current), author: author)
            if let resource = written(outcome) { return resource }
            guard case .stale = outcome else {
                throw Self.unexpected(outcome, for: "\(kind.rawValue.lowercased()).update")
            }
        }
        throw IdentityStoreError(.conflict, "\(kind.rawValue) \(id) kept changing; try again")
    }

    /// Reads `read` locally; when the resource is missing here, waits until this replica has
    /// applied everything the stream held at the time (a write accepted by another replica a
    /// moment ago) and reads again, so a 404 is never answered from a lagging state.
    func current<Resource: Sendable>(_ read: @Sendable () async throws -> Resource?) async throws -> Resource? {
        if let resource = try await read() { return resource }
        try await catchUp()
        return try await read()
    }

    /// Waits until the applied position reaches the stream's last sequence now.
    /// - Throws: `.unavailable` when that takes longer than the apply timeout.
    public func catchUp() async throws {
        let info: StreamInfo
        do {
            info = try await js.streamInfo(settings.stream)
        } catch {
            throw IdentityStoreError(.unavailable, "the replication stream cannot be read: \(error.code)")
        }
        let last = info.state.lastSequence
        let reached: Bool = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await sequence in self.appliedSequences() where sequence >= last { return true }
                return false
            }
            group.addTask {
                try await Task.sleep(for: self.settings.applyTimeout)
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
        guard reached else {
            throw IdentityStoreError(.unavailable, "this replica did not catch up with the stream in time; retry")
        }
    }

    /// Publishes a currency probe (``ReplicationOperation/probe(id:)``) through `context` and
    /// returns the sequence the stream stored it at: every write acknowledged before this call
    /// has a lower sequence, so once this replica has applied the returned sequence it has
    /// applied all of them. An acked publish needs the stream's quorum, so a leader cut off from
    /// the majority cannot answer it. No `Nats-Msg-Id` and no retry: a lost probe just fails.
    /// - Parameter context: a JetStream context whose timeout bounds the probe.
    public func probe(through context: JetStreamContext) async throws -> UInt64 {
        let command = ReplicationCommand(
            id: UUID().uuidString.lowercased(), origin: settings.replicaID, at: now().timeIntervalSince1970,
            author: ReplicationAuthor(name: "replication-probe"), operation: .probe(id: settings.replicaID))
        return try await context.publish(try command.encoded(), to: settings.commandSubject).sequence
    }

    func requireApplying() throws {
        let health = self.health
        guard health.isApplying else {
            throw IdentityStoreError(.unavailable, "this replica is not applying the replication stream; retry")
        }
    }

    static func unexpected(_ outcome: ReplicationOutcome, for operation: String) -> IdentityStoreError {
        // `.alreadyApplied` cannot reach a writer (its command is new); anything else is a bug.
        IdentityStoreError(.conflict, "\(operation) ended unexpectedly (\(outcome.kind)); try again")
    }
}

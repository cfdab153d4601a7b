extension JetStreamContext {
    /// Creates a stream (`STREAM.CREATE`). The same configuration again succeeds; a different
    /// one throws ``JetStreamError/Code/streamNameInUse``.
    public func createStream(_ config: StreamConfig) async throws(JetStreamError) -> StreamInfo {
        try Self.validate(name: config.name, what: "stream")
        return try await call("STREAM.CREATE.\(config.name)", request: config, as: StreamInfo.self)
    }

    /// Changes a stream's configuration (`STREAM.UPDATE`).
    public func updateStream(_ config: StreamConfig) async throws(JetStreamError) -> StreamInfo {
        try Self.validate(name: config.name, what: "stream")
        return try await call("STREAM.UPDATE.\(config.name)", request: config, as: StreamInfo.self)
    }

    /// A stream's configuration and state (`STREAM.INFO`).
    /// - Throws: ``JetStreamError/Code/streamNotFound`` when there is no such stream.
    public func streamInfo(_ name: String) async throws(JetStreamError) -> StreamInfo {
        try Self.validate(name: name, what: "stream")
        return try await call("STREAM.INFO.\(name)", as: StreamInfo.self)
    }

    /// A stream's configuration and state, creating it with `config` when it does not exist,
    /// returned once the stream answers.
    ///
    /// A stream created a moment ago (here, or by another process starting at the same time) has
    /// no leader yet: nats-server leaves its `STREAM.INFO` unanswered until it has one, and a
    /// server that has not applied the creation yet says it does not exist. Both are retried,
    /// with a growing pause, until `limit` has passed; any other error is thrown at once.
    /// - Returns: the stream's info, and whether this call created it.
    public func streamInfo(
        _ name: String, creatingWith config: StreamConfig, within limit: Duration
    ) async throws -> (info: StreamInfo, created: Bool) {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var created = false
        var pause = Duration.milliseconds(50)
        while true {
            var failure: JetStreamError
            do {
                return (try await streamInfo(name), created)
            } catch {
                failure = error
            }
            if failure.code == .streamNotFound, !created {
                // The same configuration again succeeds, so losing the race to create it is fine,
                // and so is asking again after a create that timed out; the loop then asks for the
                // info, which comes once the new stream has a leader.
                do {
                    _ = try await createStream(config)
                    created = true
                    continue
                } catch {
                    guard error.code == .timeout else { throw error }
                    failure = error
                }
            }
            guard failure.code == .timeout || failure.code == .streamNotFound, clock.now + pause < deadline else {
                throw failure
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(1))
        }
    }

    /// The stored subjects matching `filter` (wildcards allowed) with their message counts
    /// (`STREAM.INFO` with `subjects_filter`, every page).
    /// - Throws: ``JetStreamError/Code/streamNotFound`` when there is no such stream.
    public func streamSubjects(_ name: String, filter: String) async throws(JetStreamError) -> [String: UInt64] {
        try Self.validate(name: name, what: "stream")
        var subjects: [String: UInt64] = [:]
        while true {
            let page = try await call(
                "STREAM.INFO.\(name)", request: StreamSubjectsRequest(subjectsFilter: filter, offset: subjects.count),
                as: StreamSubjectsPage.self)
            let before = subjects.count
            subjects.merge(page.subjects) { _, new in new }
            guard let total = page.total, subjects.count < total, subjects.count > before else { return subjects }
        }
    }

    /// Deletes a stream and its messages (`STREAM.DELETE`).
    public func deleteStream(_ name: String) async throws(JetStreamError) {
        try Self.validate(name: name, what: "stream")
        let reply = try await call("STREAM.DELETE.\(name)", as: SuccessResponse.self)
        guard reply.success else { throw JetStreamError(.apiError, "STREAM.DELETE.\(name): not deleted") }
    }

    /// Removes messages (`STREAM.PURGE`); see ``PurgeRequest`` for what `seq` and `keep` mean.
    /// - Returns: how many messages were removed.
    @discardableResult
    public func purgeStream(_ name: String, _ request: PurgeRequest = PurgeRequest()) async throws(JetStreamError) -> UInt64 {
        try Self.validate(name: name, what: "stream")
        try request.validate()
        let api = "STREAM.PURGE.\(name)"
        let body = request.isEmpty ? [] : try JetStreamCoding.encode(request)
        let reply = try await call(api, body: body, as: PurgeResponse.self)
        guard reply.success else { throw JetStreamError(.apiError, "\(api): not purged") }
        return reply.purged ?? 0
    }

    /// Refuses names the server would reject or that would change the API subject's meaning.
    static func validate(name: String, what: String) throws(JetStreamError) {
        let forbidden: Set<Character> = [".", "*", ">", "/", "\\", " ", "\t", "\r", "\n"]
        guard !name.isEmpty, !name.contains(where: { forbidden.contains($0) || $0.asciiValue.map { $0 < 0x20 } == true }) else {
            throw JetStreamError(.invalidArgument, "invalid \(what) name (empty, or contains '.', '*', '>', a slash or whitespace)")
        }
    }
}

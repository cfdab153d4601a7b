extension JetStreamContext {
    /// The message at `sequence` (`STREAM.MSG.GET`). Answered by the stream leader.
    /// - Throws: ``JetStreamError/Code/messageNotFound``.
    public func message(stream: String, sequence: UInt64) async throws(JetStreamError) -> StoredMessage {
        try Self.validate(name: stream, what: "stream")
        return try await call("STREAM.MSG.GET.\(stream)", request: MessageGetRequest(sequence: sequence), as: StoredMessage.self)
    }

    /// The last message on `subject` (`STREAM.MSG.GET` with `last_by_subj`).
    /// - Throws: ``JetStreamError/Code/messageNotFound`` when the subject has none.
    public func lastMessage(stream: String, subject: String) async throws(JetStreamError) -> StoredMessage {
        try Self.validate(name: stream, what: "stream")
        return try await call("STREAM.MSG.GET.\(stream)", request: MessageGetRequest(lastBySubject: subject), as: StoredMessage.self)
    }
}

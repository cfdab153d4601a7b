import NATSClient
import NIOCore

extension JetStreamContext {
    /// Publishes to a stream's subject and waits for the server to store it.
    /// - Parameters:
    ///   - payload: the message body.
    ///   - subject: a subject some stream captures.
    ///   - options: message id and expected-sequence headers.
    ///   - headers: more headers (the options' headers replace any of the same name).
    /// - Returns: the stream and sequence that stored it.
    /// - Throws: ``JetStreamError`` with ``JetStreamError/Code/wrongLastSequence`` on a failed
    ///   expectation (`currentSequence` says the actual one when the server tells),
    ///   ``JetStreamError/Code/noResponders`` when no stream captures the subject (or the stream
    ///   has no leader), ``JetStreamError/Code/timeout`` when no ack came: the message may or
    ///   may not be stored, so retry with the same `messageID`.
    public func publish(
        _ payload: ByteBuffer, to subject: String, options: PublishOptions = PublishOptions(), headers: NATSHeaders? = nil
    ) async throws(JetStreamError) -> PubAck {
        let reply: NATSMessage
        do {
            reply = try await connection.request(payload, to: subject, headers: options.applied(to: headers), timeout: timeout)
        } catch let error as NATSClientError where error.code == .noResponders {
            throw JetStreamError(.noResponders, "publish to \(subject): no stream answered (no stream captures it, or it has no leader)")
        } catch let error as NATSClientError where error.code == .requestTimeout {
            throw JetStreamError(.timeout, "publish to \(subject): no ack within \(timeout); retry with the same message id")
        } catch let error as NATSClientError where error.code == .invalidSubject || error.code == .invalidHeader {
            throw JetStreamError(.invalidArgument, "publish to \(subject): \(error.reason)")
        } catch {
            throw JetStreamError(.apiError, "publish to \(subject): \(error)")
        }
        return try Self.decodePubAck(reply, subject: subject)
    }

    /// Publishes bytes; see ``publish(_:to:options:headers:)``.
    public func publish(
        _ bytes: some Sequence<UInt8>, to subject: String, options: PublishOptions = PublishOptions(), headers: NATSHeaders? = nil
    ) async throws(JetStreamError) -> PubAck {
        try await publish(ByteBuffer(bytes: bytes), to: subject, options: options, headers: headers)
    }

    /// A PubAck reply: a 503 status (no stream) or the JSON ack or error.
    static func decodePubAck(_ reply: NATSMessage, subject: String) throws(JetStreamError) -> PubAck {
        if let status = reply.status, reply.payload.readableBytes == 0 {
            if status == 503 {
                throw JetStreamError(.noResponders, "publish to \(subject): no stream answered (503)")
            }
            throw JetStreamError(.invalidResponse, "publish to \(subject): status \(status) instead of an ack")
        }
        return try JetStreamCoding.decode(PubAck.self, from: reply.payload.readableBytesView, context: "publish to \(subject)")
    }
}

extension JetStreamContext {
    /// Publishes like ``publish(_:to:options:headers:)`` and retries, within `retry.deadline`,
    /// the failures a cluster produces while the stream's leader changes (see ``PublishRetry``).
    ///
    /// Give `options.messageID` a value that is unique per message: then a retry after a lost ack
    /// is deduplicated by the stream and acks the copy already stored.
    /// - Throws: the last attempt's ``JetStreamError`` once the error is final or the deadline passed.
    public func publish<C: Clock<Duration>>(
        _ payload: ByteBuffer, to subject: String, options: PublishOptions = PublishOptions(),
        headers: NATSHeaders? = nil, retry: PublishRetry, clock: C = ContinuousClock()
    ) async throws(JetStreamError) -> PubAck {
        let start = clock.now
        var failures = 0
        while true {
            do {
                return try await publish(payload, to: subject, options: options, headers: headers)
            } catch let failure {
                failures += 1
                guard let wait = retry.wait(after: failure, failures: failures, elapsed: start.duration(to: clock.now),
                                            hasMessageID: options.messageID != nil)
                else { throw failure }
                // Cancelled while waiting: the caller gets the failure that made us wait.
                do { try await clock.sleep(for: wait) } catch { throw failure }
            }
        }
    }
}

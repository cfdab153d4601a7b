import Foundation
import NATSClient
import NIOCore

/// A JetStream Object Store bucket (ADR-20), compatible with nats.go and nats-py: objects are
/// chunks on `$O.<bucket>.C.<nuid>` plus a meta message on `$O.<bucket>.M.<base64url(name)>`,
/// in the stream `OBJ_<bucket>`.
///
/// Get it from ``JetStreamContext/createObjectStore(bucket:description:storage:replicas:)`` or
/// ``JetStreamContext/objectStore(bucket:)``.
public struct ObjectStore: Sendable {
    /// The bucket name.
    public let bucket: String
    let js: JetStreamContext

    /// The chunk size nats.go and nats-py use.
    public static let defaultChunkSize = 128 * 1024

    init(bucket: String, js: JetStreamContext) {
        self.bucket = bucket
        self.js = js
    }

    /// `OBJ_<bucket>`.
    public var streamName: String { Self.streamName(bucket) }
    static func streamName(_ bucket: String) -> String { "OBJ_\(bucket)" }

    func metaSubject(_ name: String) -> String { Self.metaSubject(bucket: bucket, name: name) }
    func chunkSubject(_ nuid: String) -> String { Self.chunkSubject(bucket: bucket, nuid: nuid) }

    /// `$O.<bucket>.M.<base64url(name), padded>`.
    static func metaSubject(bucket: String, name: String) -> String { "$O.\(bucket).M.\(Base64URL.encode(Array(name.utf8)))" }
    /// `$O.<bucket>.C.<nuid>`.
    static func chunkSubject(bucket: String, nuid: String) -> String { "$O.\(bucket).C.\(nuid)" }

    /// Stores `data` under `name`, replacing any object of that name.
    @discardableResult
    public func put(name: String, data: some Collection<UInt8>, description: String? = nil,
                    chunkSize: Int = defaultChunkSize) async throws -> ObjectInfo {
        var remaining: ByteBuffer? = ByteBuffer(bytes: data)
        return try await put(name: name, description: description, chunkSize: chunkSize) {
            defer { remaining = nil }
            return remaining
        }
    }

    /// Stores the bytes of `contents` (sliced any way) under `name` in `chunkSize` chunks, then
    /// the meta message (a subject rollup), then purges the replaced object's chunks. On a
    /// failure before the meta message the new chunks are purged again and the old object stays.
    /// - Throws: ``JetStreamError``, or the error of `contents`.
    @discardableResult
    public func put<Contents: AsyncSequence>(
        name: String, contentsOf contents: Contents, description: String? = nil, chunkSize: Int = defaultChunkSize
    ) async throws -> ObjectInfo where Contents.Element == ByteBuffer {
        var iterator = contents.makeAsyncIterator()
        return try await put(name: name, description: description, chunkSize: chunkSize) {
            try await iterator.next(isolation: #isolation)
        }
    }

    /// Publishes the bytes `next` hands out (nil at the end) in `chunkSize` chunks, then the
    /// meta message (a subject rollup), then purges the replaced object's chunks. On a failure
    /// before the meta message the new chunks are purged again and the old object stays.
    private func put(
        name: String, description: String?, chunkSize: Int, next: () async throws -> ByteBuffer?
    ) async throws -> ObjectInfo {
        guard !name.isEmpty else { throw JetStreamError(.invalidArgument, "an object needs a name") }
        guard chunkSize > 0 else { throw JetStreamError(.invalidArgument, "chunk size must be positive") }
        let previous = try await existingInfo(name: name)
        let nuid = NUID.next()
        let info: ObjectInfo
        do {
            info = try await publishObject(name: name, description: description, nuid: nuid, chunkSize: chunkSize, next: next)
        } catch {
            _ = try? await js.purgeStream(streamName, PurgeRequest(filter: chunkSubject(nuid)))
            throw error
        }
        if let previous, !previous.nuid.isEmpty, previous.nuid != nuid {
            try await js.purgeStream(streamName, PurgeRequest(filter: chunkSubject(previous.nuid)))
        }
        return info
    }

    /// The current meta message, deleted or not; nil when the name was never used.
    private func existingInfo(name: String) async throws(JetStreamError) -> ObjectInfo? {
        do {
            return try await info(name: name, includingDeleted: true)
        } catch {
            guard error.code == .objectNotFound else { throw error }
            return nil
        }
    }

    /// Publishes the chunks, then the meta message (a subject rollup).
    private func publishObject(
        name: String, description: String?, nuid: String, chunkSize: Int, next: () async throws -> ByteBuffer?
    ) async throws -> ObjectInfo {
        let subject = chunkSubject(nuid)
        var hasher = SHA256Hasher()
        var size: UInt64 = 0
        var chunks = 0
        var pending = ByteBuffer()
        var finished = false
        while !finished {
            if var piece = try await next() {
                pending.writeBuffer(&piece)
            } else {
                finished = true
            }
            while pending.readableBytes >= chunkSize || (finished && pending.readableBytes > 0) {
                let length = min(chunkSize, pending.readableBytes)
                guard let chunk = pending.readSlice(length: length) else { break }
                hasher.update(chunk.readableBytesView)
                _ = try await js.publish(chunk, to: subject)
                size += UInt64(length)
                chunks += 1
            }
            pending.discardReadBytes()
        }
        let info = ObjectInfo(
            name: name, description: description, bucket: bucket, nuid: nuid, size: size,
            modified: Self.now(), chunks: chunks, digest: ObjectInfo.digestText(hasher.finalize()),
            maxChunkSize: chunkSize
        )
        var headers = NATSHeaders()
        headers.set(name: PublishOptions.HeaderName.rollup, value: "sub")
        _ = try await js.publish(try JetStreamCoding.encode(info), to: metaSubject(name), headers: headers)
        return info
    }

    /// The object's meta message.
    /// - Throws: ``JetStreamError/Code/objectNotFound`` when there is none (or it is a delete
    ///   marker and `includingDeleted` is false).
    public func info(name: String, includingDeleted: Bool = false) async throws(JetStreamError) -> ObjectInfo {
        let stored: StoredMessage
        do {
            stored = try await js.lastMessage(stream: streamName, subject: metaSubject(name))
        } catch where error.code == .messageNotFound {
            throw JetStreamError(.objectNotFound, "no object \(name) in bucket \(bucket)")
        }
        let info = try JetStreamCoding.decode(ObjectInfo.self, from: stored.data, context: "object meta of \(name)")
        if info.deleted && !includingDeleted {
            throw JetStreamError(.objectNotFound, "object \(name) in bucket \(bucket) was deleted")
        }
        return info
    }

    /// The object's bytes, checked against its SHA-256 digest.
    /// - Throws: ``JetStreamError/Code/objectNotFound``, ``JetStreamError/Code/digestMismatch``.
    public func get(name: String, heartbeat: Duration = .seconds(5)) async throws -> [UInt8] {
        let info = try await info(name: name)
        guard info.size > 0 || info.chunks > 0 else {
            try Self.verify(digestOf: [], against: info)
            return []
        }
        let consumer = try await js.orderedConsumer(
            stream: streamName, filterSubject: chunkSubject(info.nuid), deliverPolicy: .all, heartbeat: heartbeat
        )
        var data: [UInt8] = []
        data.reserveCapacity(Int(clamping: info.size))
        do {
            for try await chunk in consumer {
                data.append(contentsOf: chunk.payload.readableBytesView)
                if chunk.metadata.pending == 0 { break }
            }
        } catch {
            await consumer.stop()
            throw error
        }
        await consumer.stop()
        try Self.verify(digestOf: data, against: info)
        return data
    }

    static func verify(digestOf data: [UInt8], against info: ObjectInfo) throws(JetStreamError) {
        var hasher = SHA256Hasher()
        hasher.update(data)
        guard let expected = info.sha256, expected == hasher.finalize() else {
            throw JetStreamError(.digestMismatch, "object \(info.name): the bytes do not match \(info.digest)")
        }
    }

    /// Replaces the object by a delete marker and purges its chunks.
    public func delete(name: String) async throws(JetStreamError) {
        var info = try await info(name: name)
        let oldNUID = info.nuid
        info.deleted = true
        info.size = 0
        info.chunks = 0
        info.digest = ""
        info.modified = Self.now()
        var headers = NATSHeaders()
        headers.set(name: PublishOptions.HeaderName.rollup, value: "sub")
        _ = try await js.publish(try JetStreamCoding.encode(info), to: metaSubject(name), headers: headers)
        try await js.purgeStream(streamName, PurgeRequest(filter: chunkSubject(oldNUID)))
    }

    private static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

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

    /// The configuration of a bucket's stream, as nats.go and nats-py create it.
    static func streamConfig(
        bucket: String, description: String? = nil, storage: StorageType = .file, replicas: Int = 1
    ) -> StreamConfig {
        StreamConfig(
            name: streamName(bucket), description: description,
            subjects: ["$O.\(bucket).C.>", "$O.\(bucket).M.>"], storage: storage, replicas: replicas,
            discard: .new, allowRollup: true, allowDirect: true
        )
    }

    func metaSubject(_ name: String) -> String { Self.metaSubject(bucket: bucket, name: name) }
    func chunkSubject(_ nuid: String) -> String { Self.chunkSubject(bucket: bucket, nuid: nuid) }

    /// `$O.<bucket>.M.<base64url(name), padded>`.
    static func metaSubject(bucket: String, name: String) -> String { "$O.\(bucket).M.\(Base64URL.encode(Array(name.utf8)))" }
    /// `$O.<bucket>.C.<nuid>`.
    static func chunkSubject(bucket: String, nuid: String) -> String { "$O.\(bucket).C.\(nuid)" }

    /// Stores `data` under `name`, replacing any object of that name.
    /// - Parameters:
    ///   - headers: the meta message's `headers` (nats-py reads them as `ObjectInfo.headers`).
    ///   - metadata: the meta message's `metadata` (nats.go's `ObjectMeta.Metadata`).
    @discardableResult
    public func put(name: String, data: some Collection<UInt8>, description: String? = nil,
                    headers: [String: [String]] = [:], metadata: [String: String] = [:],
                    chunkSize: Int = defaultChunkSize) async throws -> ObjectInfo {
        var remaining: ByteBuffer? = ByteBuffer(bytes: data)
        let meta = Meta(description: description, headers: headers, metadata: metadata)
        return try await put(name: name, meta: meta, chunkSize: chunkSize) {
            defer { remaining = nil }
            return remaining
        }
    }

    /// Stores the bytes of `contents` (sliced any way) under `name` in `chunkSize` chunks, then
    /// the meta message (a subject rollup), then purges the replaced object's chunks. On a
    /// failure before the meta message the new chunks are purged again and the old object stays.
    /// `headers` and `metadata` go into the meta message as with ``put(name:data:description:headers:metadata:chunkSize:)``.
    /// - Throws: ``JetStreamError``, or the error of `contents`.
    @discardableResult
    public func put<Contents: AsyncSequence>(
        name: String, contentsOf contents: Contents, description: String? = nil,
        headers: [String: [String]] = [:], metadata: [String: String] = [:], chunkSize: Int = defaultChunkSize
    ) async throws -> ObjectInfo where Contents.Element == ByteBuffer {
        var iterator = contents.makeAsyncIterator()
        let meta = Meta(description: description, headers: headers, metadata: metadata)
        return try await put(name: name, meta: meta, chunkSize: chunkSize) {
            try await iterator.next(isolation: #isolation)
        }
    }

    /// Publishes the bytes `next` hands out (nil at the end) in `chunkSize` chunks, then the
    /// meta message (a subject rollup), then purges the replaced object's chunks. On a failure
    /// before the meta message the new chunks are purged again and the old object stays.
    private func put(
        name: String, meta: Meta, chunkSize: Int, next: () async throws -> ByteBuffer?
    ) async throws -> ObjectInfo {
        guard !name.isEmpty else { throw JetStreamError(.invalidArgument, "an object needs a name") }
        guard chunkSize > 0 else { throw JetStreamError(.invalidArgument, "chunk size must be positive") }
        let previous = try await existingInfo(name: name)
        let nuid = NUID.next()
        let info: ObjectInfo
        do {
            info = try await publishObject(name: name, meta: meta, nuid: nuid, chunkSize: chunkSize, next: next)
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
        name: String, meta: Meta, nuid: String, chunkSize: Int, next: () async throws -> ByteBuffer?
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
            name: name, description: meta.description, bucket: bucket, nuid: nuid, size: size,
            modified: Self.now(), chunks: chunks, digest: ObjectInfo.digestText(hasher.finalize()),
            maxChunkSize: chunkSize, headers: meta.headers, metadata: meta.metadata
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

    /// The object's bytes, checked against its SHA-256 digest. The whole object is held in
    /// memory: for large objects use ``get(name:heartbeat:into:)``.
    /// - Throws: ``JetStreamError/Code/objectNotFound``, ``JetStreamError/Code/digestMismatch``.
    public func get(name: String, heartbeat: Duration = .seconds(5)) async throws -> [UInt8] {
        var data: [UInt8] = []
        try await get(name: name, heartbeat: heartbeat) { chunk in
            data.append(contentsOf: chunk.readableBytesView)
        }
        return data
    }

    /// Hands the object's chunks, in order, to `consume` (a file writer, say), then checks the
    /// SHA-256 of everything it handed out against the digest. Until this returns, the bytes are
    /// unverified: a caller that stores them must discard them when it throws.
    /// - Returns: the object's meta.
    /// - Throws: ``JetStreamError/Code/objectNotFound``, ``JetStreamError/Code/digestMismatch``,
    ///   or the error of `consume`.
    @discardableResult
    public func get(
        name: String, heartbeat: Duration = .seconds(5), into consume: (ByteBuffer) async throws -> Void
    ) async throws -> ObjectInfo {
        let info = try await info(name: name)
        var hasher = SHA256Hasher()
        guard info.size > 0 || info.chunks > 0 else {
            try Self.verify(hasher.finalize(), against: info)
            return info
        }
        let consumer = try await js.orderedConsumer(
            stream: streamName, filterSubject: chunkSubject(info.nuid), deliverPolicy: .all, heartbeat: heartbeat
        )
        do {
            for try await chunk in consumer {
                hasher.update(chunk.payload.readableBytesView)
                try await consume(chunk.payload)
                if chunk.metadata.pending == 0 { break }
            }
        } catch {
            await consumer.stop()
            throw error
        }
        await consumer.stop()
        try Self.verify(hasher.finalize(), against: info)
        return info
    }

    static func verify(digestOf data: [UInt8], against info: ObjectInfo) throws(JetStreamError) {
        var hasher = SHA256Hasher()
        hasher.update(data)
        try verify(hasher.finalize(), against: info)
    }

    static func verify(_ sha256: [UInt8], against info: ObjectInfo) throws(JetStreamError) {
        guard let expected = info.sha256, expected == sha256 else {
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

    /// Deletes the object (``delete(name:)``) and then purges its meta subject too, so no
    /// delete marker stays behind: for buckets that rotate many names, whose markers would
    /// otherwise pile up. Readers see it as not found, as after a delete.
    public func remove(name: String) async throws(JetStreamError) {
        try await delete(name: name)
        try await js.purgeStream(streamName, PurgeRequest(filter: metaSubject(name)))
    }

    /// Every object in the bucket, by name (the names come from the meta subjects the stream
    /// holds, via `STREAM.INFO` with `subjects_filter`, so no consumer is needed).
    /// - Parameter includingDeleted: list delete markers too.
    public func list(includingDeleted: Bool = false) async throws(JetStreamError) -> [ObjectInfo] {
        let prefix = "$O.\(bucket).M."
        let subjects = try await js.streamSubjects(streamName, filter: prefix + ">")
        var objects: [ObjectInfo] = []
        for subject in subjects.keys.sorted() {
            guard let encoded = subject.hasPrefix(prefix) ? String(subject.dropFirst(prefix.count)) : nil,
                  let nameBytes = Base64URL.decode(encoded), let name = String(validating: nameBytes, as: UTF8.self)
            else { continue }
            do {
                objects.append(try await info(name: name, includingDeleted: includingDeleted))
            } catch where error.code == .objectNotFound {
                continue
            }
        }
        return objects
    }

    /// What a put writes into the meta message besides the layout fields.
    private struct Meta {
        var description: String?
        var headers: [String: [String]]
        var metadata: [String: String]
    }

    private static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

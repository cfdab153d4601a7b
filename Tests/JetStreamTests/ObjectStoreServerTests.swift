import JetStream
import NIOCore
import Testing
import TestSupport

@Suite("Object store against nats-server")
struct ObjectStoreServerTests {
    static func bytes(_ count: Int, seed: UInt8 = 7) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ Int(seed)) }
    }

    @Test func putGetReplaceAndDelete() async throws {
        let env = try await JetStreamTestServer.start()
        let store = try await env.js.createObjectStore(bucket: "files")
        // 300 KiB: two full 128 KiB chunks and a partial one.
        let data = Self.bytes(300 * 1024)
        let info = try await store.put(name: "snapshots/1.db", data: data)
        #expect(info.chunks == 3)
        #expect(info.size == UInt64(data.count))
        #expect(info.digest.hasPrefix("SHA-256="))
        #expect(try await store.get(name: "snapshots/1.db") == data)

        let replacement = Self.bytes(1000, seed: 9)
        let second = try await store.put(name: "snapshots/1.db", data: replacement)
        #expect(second.nuid != info.nuid)
        #expect(try await store.get(name: "snapshots/1.db") == replacement)
        // The replaced object's chunks are purged: only the meta and one chunk remain.
        #expect(try await env.js.streamInfo(store.streamName).state.messages == 2)

        let empty = try await store.put(name: "empty", data: [UInt8]())
        #expect(empty.chunks == 0)
        #expect(try await store.get(name: "empty") == [])

        try await store.delete(name: "snapshots/1.db")
        let gone = await #expect(throws: JetStreamError.self) { try await store.get(name: "snapshots/1.db") }
        #expect(gone?.code == .objectNotFound)
        let never = await #expect(throws: JetStreamError.self) { try await store.info(name: "never") }
        #expect(never?.code == .objectNotFound)
        let missing = await #expect(throws: JetStreamError.self) { try await env.js.objectStore(bucket: "nope") }
        #expect(missing?.code == .streamNotFound)
        try await env.stop()
    }

    @Test func putFromAnAsyncSequenceRechunks() async throws {
        let env = try await JetStreamTestServer.start()
        let store = try await env.js.createObjectStore(bucket: "stream-in", storage: .memory)
        let data = Self.bytes(200_000)
        let pieces = AsyncStream<ByteBuffer> { continuation in
            for start in stride(from: 0, to: data.count, by: 7_777) {
                continuation.yield(ByteBuffer(bytes: data[start..<min(start + 7_777, data.count)]))
            }
            continuation.finish()
        }
        let info = try await store.put(name: "piecewise", contentsOf: pieces, chunkSize: 65_536)
        #expect(info.chunks == 4)
        #expect(try await store.get(name: "piecewise") == data)
        try await env.stop()
    }

    @Test func aTamperedChunkFailsTheDigest() async throws {
        let env = try await JetStreamTestServer.start()
        let store = try await env.js.createObjectStore(bucket: "tamper", storage: .memory)
        let info = try await store.put(name: "x", data: Self.bytes(10))
        // Another writer appends a chunk under the same nuid: the bytes no longer match the digest.
        _ = try await env.js.publish([1, 2, 3], to: "$O.tamper.C.\(info.nuid)")
        let error = await #expect(throws: JetStreamError.self) { try await store.get(name: "x") }
        #expect(error?.code == .digestMismatch)
        try await env.stop()
    }

    @Test func headersAndMetadataRoundTripAndListSkipsRemovedObjects() async throws {
        let env = try await JetStreamTestServer.start()
        let store = try await env.js.createObjectStore(bucket: "listed", storage: .memory)
        let put = try await store.put(name: "a", data: Self.bytes(10),
                                      headers: ["Scim-Sequence": ["42"]], metadata: ["sequence": "42"])
        #expect(put.header("scim-sequence") == "42")
        try await store.put(name: "b", data: Self.bytes(20))
        try await store.put(name: "c", data: Self.bytes(30))
        let read = try await store.info(name: "a")
        #expect(read.headers == ["Scim-Sequence": ["42"]])
        #expect(read.metadata == ["sequence": "42"])
        #expect(try await store.list().map(\.name) == ["a", "b", "c"])

        try await store.delete(name: "b")
        try await store.remove(name: "c")
        #expect(try await store.list().map(\.name) == ["a"])
        // A delete leaves its marker, a remove leaves nothing.
        #expect(try await store.list(includingDeleted: true).map(\.name) == ["a", "b"])
        let removed = await #expect(throws: JetStreamError.self) { try await store.info(name: "c", includingDeleted: true) }
        #expect(removed?.code == .objectNotFound)
        try await env.stop()
    }

    @Test func aStreamingGetHandsOutEveryChunkAndChecksTheDigestLast() async throws {
        let env = try await JetStreamTestServer.start()
        let store = try await env.js.createObjectStore(bucket: "streamed", storage: .memory)
        let data = Self.bytes(300 * 1024)
        try await store.put(name: "big", data: data)
        var received: [UInt8] = []
        var pieces = 0
        let info = try await store.get(name: "big") { chunk in
            received.append(contentsOf: chunk.readableBytesView)
            pieces += 1
        }
        #expect(received == data)
        #expect(pieces == 3)
        #expect(info.size == UInt64(data.count))

        let tampered = try await store.put(name: "t", data: Self.bytes(10))
        _ = try await env.js.publish([1, 2, 3], to: "$O.streamed.C.\(tampered.nuid)")
        let error = await #expect(throws: JetStreamError.self) { try await store.get(name: "t") { _ in } }
        #expect(error?.code == .digestMismatch)
        try await env.stop()
    }
}

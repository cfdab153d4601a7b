import Foundation
@testable import JetStream
import Testing

@Suite("Object store codecs")
struct ObjectStoreCodecTests {
    @Test func digestIsSHA256InPaddedBase64URL() {
        var hasher = SHA256Hasher()
        hasher.update(Array("abc".utf8))
        // FIPS 180-2 test vector for "abc".
        let digest = hasher.finalize()
        #expect(digest.map { String(format: "%02x", $0) }.joined()
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ObjectInfo.digestText(digest) == "SHA-256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=")
    }

    @Test func hashingInPiecesEqualsHashingAtOnce() {
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var whole = SHA256Hasher()
        whole.update(bytes)
        var pieces = SHA256Hasher()
        for start in stride(from: 0, to: bytes.count, by: 131_072) {
            pieces.update(bytes[start..<min(start + 131_072, bytes.count)])
        }
        #expect(whole.finalize() == pieces.finalize())
    }

    @Test func metaSubjectsUsePaddedBase64URLNames() {
        #expect(ObjectStore.metaSubject(bucket: "files", name: "a") == "$O.files.M.YQ==")
        #expect(ObjectStore.metaSubject(bucket: "files", name: "dir/file?.txt") == "$O.files.M.ZGlyL2ZpbGU_LnR4dA==")
        #expect(ObjectStore.chunkSubject(bucket: "files", nuid: "N1") == "$O.files.C.N1")
        #expect(Base64URL.decode("ZGlyL2ZpbGU_LnR4dA") == Array("dir/file?.txt".utf8))
    }

    @Test func metaDecodesWhatNatsPyWritesAndEncodesWhatItReads() throws {
        let python = """
            {"name": "report.bin", "bucket": "files", "nuid": "abc", "size": 5, "mtime": "2026-12-04T17:00:00.1+00:00",
             "chunks": 1, "digest": "SHA-256=LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=", "deleted": false,
             "description": null, "headers": {"A": ["b"]}, "options": {"link": null, "max_chunk_size": 131072}}
            """
        let info = try JSONDecoder().decode(ObjectInfo.self, from: Data(python.utf8))
        #expect(info.name == "report.bin")
        #expect(info.size == 5)
        #expect(info.maxChunkSize == 131_072)
        #expect(info.headers == ["A": ["b"]])
        #expect(info.header("a") == "b")
        #expect(info.metadata.isEmpty)
        #expect(!info.deleted)
        #expect(throws: Never.self) { try ObjectStore.verify(digestOf: Array("hello".utf8), against: info) }
        let error = #expect(throws: JetStreamError.self) { try ObjectStore.verify(digestOf: Array("hellO".utf8), against: info) }
        #expect(error?.code == .digestMismatch)

        let json = try #require(try JSONSerialization.jsonObject(with: Data(try JetStreamCoding.encode(info))) as? [String: Any])
        #expect(json["digest"] as? String == info.digest)
        #expect((json["options"] as? [String: Any])?["max_chunk_size"] as? Int == 131_072)
        #expect(json["deleted"] == nil)
        #expect(json["headers"] as? [String: [String]] == ["A": ["b"]])
        #expect(json["metadata"] == nil)
    }

    @Test func metadataIsAFlatStringMapAsNatsGoWritesIt() throws {
        let go = """
            {"name":"s","bucket":"b","nuid":"n","size":0,"chunks":0,"digest":"","metadata":{"sequence":"7"}}
            """
        let info = try JSONDecoder().decode(ObjectInfo.self, from: Data(go.utf8))
        #expect(info.metadata == ["sequence": "7"])
        #expect(info.headers.isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try JetStreamCoding.encode(info))) as? [String: Any])
        #expect(json["metadata"] as? [String: String] == ["sequence": "7"])
    }
}

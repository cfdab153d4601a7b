import Foundation
import NIOCore

/// A file's bytes as an `AsyncSequence` of `ByteBuffer` pieces (for an Object Store put), read
/// with one `read` per piece so a large snapshot never sits in memory whole.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String
    let pieceSize: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle
        let pieceSize: Int

        mutating func next() async throws -> ByteBuffer? {
            guard let data = try handle.read(upToCount: pieceSize), !data.isEmpty else {
                try handle.close()
                return nil
            }
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        // An unreadable file ends at once; the caller checks the size it expected.
        AsyncIterator(handle: FileHandle(forReadingAtPath: path) ?? FileHandle.nullDevice, pieceSize: pieceSize)
    }
}

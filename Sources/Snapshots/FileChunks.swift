import Foundation
import NIOCore

/// A file's bytes as an `AsyncSequence` of `ByteBuffer` pieces (for an Object Store put), read
/// with one `read` per piece so a large snapshot never sits in memory whole.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String
    let pieceSize: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let path: String
        /// Nil when the file could not be opened: the first `next()` throws.
        let handle: FileHandle?
        let pieceSize: Int
        var finished = false

        mutating func next() async throws -> ByteBuffer? {
            guard !finished else { return nil }
            guard let handle else {
                throw SnapshotError(.corrupt, "cannot open \(path) to upload it")
            }
            guard let data = try handle.read(upToCount: pieceSize), !data.isEmpty else {
                finished = true
                try handle.close()
                return nil
            }
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(path: path, handle: FileHandle(forReadingAtPath: path), pieceSize: pieceSize)
    }
}

/// Why a snapshot could not be taken, read or installed. `reason` names the snapshot, the
/// stream and the check that failed; it never carries the file's contents.
public struct SnapshotError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// The store cannot catch up from the stream and no snapshot covers the gap.
        case uncovered
        /// The downloaded bytes do not match the digest, or SQLite finds the file damaged.
        case corrupt
        /// The snapshot was written by a newer release (migrations this build does not know).
        case incompatible
        /// The file's own facts (sequence, migration) differ from what the bucket says.
        case mismatch
        /// The store is ahead of the stream (the stream was recreated or lost messages).
        case aheadOfStream
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation, safe to log.
    public var reason: String

    /// Creates an error.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "SnapshotError.\(code.rawValue): \(reason)" }
}

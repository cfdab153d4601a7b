/// Why bytes are not (or not the expected) JSON: where reading stopped and what was wrong there.
///
/// The reason names the problem only, never the text around it, so values read from a token
/// or a request body never reach a log through it.
public struct JSONDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The byte offset at which decoding stopped.
    public var offset: Int
    /// What was wrong there.
    public var reason: String

    /// An error at byte `offset`; `reason` must not quote the input, which may hold secrets.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

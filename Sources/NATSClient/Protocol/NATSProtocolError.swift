/// A frame from the server that breaks the NATS wire protocol.
///
/// Any protocol error closes the connection: after a bad frame the byte stream can no longer be
/// trusted to be in sync. `description` names the problem but never echoes payload bytes, which
/// may carry secrets.
public struct NATSProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of protocol violation.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case unknownOperation
            case controlLineTooLong
            case missingCRLF
            case invalidArguments
            case payloadTooLarge
            case invalidHeaderBlock
            case invalidInfo
            case truncatedFrame
        }

        fileprivate let base: Base

        /// The operation name is not one the server may send.
        public static let unknownOperation = Code(base: .unknownOperation)
        /// A control line exceeded the maximum length without a line end.
        public static let controlLineTooLong = Code(base: .controlLineTooLong)
        /// A line or payload was not terminated by `\r\n`.
        public static let missingCRLF = Code(base: .missingCRLF)
        /// The arguments of an operation are missing, extra or not numbers where numbers belong.
        public static let invalidArguments = Code(base: .invalidArguments)
        /// A message payload is larger than the negotiated `max_payload`.
        public static let payloadTooLarge = Code(base: .payloadTooLarge)
        /// An `HMSG` header block is not `NATS/1.0` followed by `Name: value` lines.
        public static let invalidHeaderBlock = Code(base: .invalidHeaderBlock)
        /// `INFO` did not carry a valid JSON object.
        public static let invalidInfo = Code(base: .invalidInfo)
        /// The connection ended in the middle of a frame.
        public static let truncatedFrame = Code(base: .truncatedFrame)

        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A short explanation without any payload content.
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "NATS protocol error (\(code)): \(reason)" }
}

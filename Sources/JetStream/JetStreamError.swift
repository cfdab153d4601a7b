import Foundation

/// An error from the JetStream client: a server API error sorted by its `err_code`, a reply we
/// could not understand, or a local check that failed.
///
/// `description` holds the server's text and the subject, never payload bytes.
public struct JetStreamError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Hashable, Sendable {
            case apiError, streamNotFound, consumerNotFound, messageNotFound, streamNameInUse
            case wrongLastSequence, wrongLastMessageID, streamMismatch, duplicateInProcess
            case notEnabled, noResponders, timeout, invalidResponse, invalidArgument
            case objectNotFound, digestMismatch
        }

        fileprivate let base: Base

        /// Any other API error; see ``JetStreamError/apiError``.
        public static let apiError = Code(base: .apiError)
        /// 10059.
        public static let streamNotFound = Code(base: .streamNotFound)
        /// 10014.
        public static let consumerNotFound = Code(base: .consumerNotFound)
        /// 10037: no message at that sequence or on that subject.
        public static let messageNotFound = Code(base: .messageNotFound)
        /// 10058: a stream of that name exists with a different configuration.
        public static let streamNameInUse = Code(base: .streamNameInUse)
        /// 10071 or 10164: an expected-sequence header did not match (optimistic concurrency
        /// conflict). ``JetStreamError/currentSequence`` holds the actual sequence when the
        /// server said it (10071).
        public static let wrongLastSequence = Code(base: .wrongLastSequence)
        /// 10070.
        public static let wrongLastMessageID = Code(base: .wrongLastMessageID)
        /// 10060: `Nats-Expected-Stream` named another stream.
        public static let streamMismatch = Code(base: .streamMismatch)
        /// 10158: the same `Nats-Msg-Id` is still being stored; retry it.
        public static let duplicateInProcess = Code(base: .duplicateInProcess)
        /// 10039/10076, or nobody answers on the API subject: JetStream is off for this account.
        public static let notEnabled = Code(base: .notEnabled)
        /// A publish reached no stream (status 503: no stream captures the subject, or it has no leader).
        public static let noResponders = Code(base: .noResponders)
        /// No reply within the request timeout.
        public static let timeout = Code(base: .timeout)
        /// The reply was not the JSON or metadata we expect.
        public static let invalidResponse = Code(base: .invalidResponse)
        /// A name, subject or option this client refuses before sending anything.
        public static let invalidArgument = Code(base: .invalidArgument)
        /// The object store has no (undeleted) object of that name.
        public static let objectNotFound = Code(base: .objectNotFound)
        /// The object's bytes do not hash to its recorded `SHA-256=` digest.
        public static let digestMismatch = Code(base: .digestMismatch)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// A short explanation, safe to log.
    public var reason: String
    /// The server's error object, when the server sent one.
    public var apiError: JetStreamAPIError?

    public init(_ code: Code, _ reason: String, apiError: JetStreamAPIError? = nil) {
        self.code = code
        self.reason = reason
        self.apiError = apiError
    }

    /// Sorts a server error by its `err_code`.
    public init(_ apiError: JetStreamAPIError, context: String) {
        let known = JetStreamAPIError.Known.self
        let code: Code = switch apiError.errorCode {
        case known.streamNotFound: .streamNotFound
        case known.consumerNotFound: .consumerNotFound
        case known.noMessageFound: .messageNotFound
        case known.streamNameInUse: .streamNameInUse
        case known.wrongLastSequence, known.wrongLastSequenceInFlight: .wrongLastSequence
        case known.wrongLastMessageID: .wrongLastMessageID
        case known.streamMismatch: .streamMismatch
        case known.duplicateInProcess: .duplicateInProcess
        case known.notEnabled, known.notEnabledForAccount: .notEnabled
        default: .apiError
        }
        self.init(code, "\(context): \(apiError.description) (err_code \(apiError.errorCode))", apiError: apiError)
    }

    /// For ``Code/wrongLastSequence`` from err_code 10071: the stream's (or subject's) actual
    /// last sequence, parsed from `wrong last sequence: N`. Nil when the server did not say
    /// (10164: a write to the subject is still in flight).
    public var currentSequence: UInt64? {
        guard code == .wrongLastSequence, let apiError,
              apiError.errorCode == JetStreamAPIError.Known.wrongLastSequence,
              let colon = apiError.description.lastIndex(of: ":")
        else { return nil }
        return UInt64(apiError.description[apiError.description.index(after: colon)...]
            .trimmingCharacters(in: .whitespaces))
    }

    public var description: String { "JetStream error (\(code)): \(reason)" }
}

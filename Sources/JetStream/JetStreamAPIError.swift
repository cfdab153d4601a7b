/// The `error` object of a JetStream API reply or PubAck:
/// `{"code":404,"err_code":10059,"description":"stream not found"}`.
///
/// Match on ``errorCode`` (stable across server versions); ``description`` is for people.
public struct JetStreamAPIError: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The HTTP-like status (400, 404, 409, 500, 503).
    public var code: Int
    /// The server's stable error identifier (`err_code`, e.g. 10071 wrong last sequence).
    public var errorCode: Int
    /// The server's text, e.g. `wrong last sequence: 7`.
    public var description: String

    public init(code: Int, errorCode: Int, description: String) {
        self.code = code
        self.errorCode = errorCode
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case code
        case errorCode = "err_code"
        case description
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decodeIfPresent(Int.self, forKey: .code) ?? 0
        errorCode = try container.decodeIfPresent(Int.self, forKey: .errorCode) ?? 0
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
    }
}

extension JetStreamAPIError {
    /// Known `err_code` values (server/errors.json) this client maps to ``JetStreamError/Code``.
    enum Known {
        static let consumerNotFound = 10014
        static let noMessageFound = 10037
        static let notEnabledForAccount = 10039
        static let streamNameInUse = 10058
        static let streamNotFound = 10059
        static let streamMismatch = 10060
        static let wrongLastMessageID = 10070
        static let wrongLastSequence = 10071
        static let duplicateInProcess = 10158
        static let wrongLastSequenceInFlight = 10164
        static let notEnabled = 10076
    }
}

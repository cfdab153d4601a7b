/// A SCIM protocol error (RFC 7644 §3.12): an HTTP status, an optional `scimType` and a detail
/// message meant for the client.
///
/// Details never contain secrets: constructors take attribute names and paths, never values of
/// write-only attributes.
public struct SCIMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `scimType` keywords of RFC 7644 Table 9.
    public enum ScimType: String, Sendable, Hashable, CaseIterable {
        case invalidFilter
        case tooMany
        case uniqueness
        case mutability
        case invalidSyntax
        case invalidPath
        case noTarget
        case invalidValue
        case invalidVers
        case sensitive
        /// Not in Table 9 but used by RFC 7644 §3.7.4 for oversized bulk/list requests.
        case tooLarge
    }

    /// The HTTP status code.
    public var status: Int
    /// The SCIM error keyword, when the status is 400, 409 or 413.
    public var scimType: ScimType?
    /// A human-readable explanation for the client.
    public var detail: String

    public init(status: Int, scimType: ScimType? = nil, detail: String) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    public var description: String {
        if let scimType { return "SCIM \(status) \(scimType.rawValue): \(detail)" }
        return "SCIM \(status): \(detail)"
    }

    /// The URN of the SCIM error message schema.
    public static let schemaURN = "urn:ietf:params:scim:api:messages:2.0:Error"

    /// The error response body; `status` is a string as RFC 7644 §3.12 requires.
    public var jsonBody: JSONValue {
        var body: [String: JSONValue] = [
            "schemas": [.string(Self.schemaURN)],
            "status": .string(String(status)),
            "detail": .string(detail),
        ]
        if let scimType { body["scimType"] = .string(scimType.rawValue) }
        return .object(body)
    }
}

extension SCIMError.ScimType {
    /// The HTTP status that goes with the keyword (RFC 7644 §3.12).
    var status: Int {
        switch self {
        case .uniqueness: 409
        case .tooLarge: 413
        case .invalidFilter, .tooMany, .mutability, .invalidSyntax, .invalidPath, .noTarget, .invalidValue,
             .invalidVers, .sensitive:
            400
        }
    }
}

extension SCIMError {
    /// An error with `scimType` and the status that goes with it.
    init(_ scimType: ScimType, _ detail: String) {
        self.init(status: scimType.status, scimType: scimType, detail: detail)
    }

    /// 400 `invalidFilter`: the filter syntax is invalid or names an unsupported comparison.
    public static func invalidFilter(_ detail: String) -> SCIMError { SCIMError(.invalidFilter, detail) }

    /// 400 `invalidSyntax`: the request body is not parsable or violates the message schema.
    public static func invalidSyntax(_ detail: String) -> SCIMError { SCIMError(.invalidSyntax, detail) }

    /// 400 `invalidPath`: a PATCH path is malformed or names an unknown attribute.
    public static func invalidPath(_ detail: String) -> SCIMError { SCIMError(.invalidPath, detail) }

    /// 400 `noTarget`: a PATCH path or value filter matched nothing.
    public static func noTarget(_ detail: String) -> SCIMError { SCIMError(.noTarget, detail) }

    /// 400 `invalidValue`: a value is missing, of the wrong type or otherwise unacceptable.
    public static func invalidValue(_ detail: String) -> SCIMError { SCIMError(.invalidValue, detail) }

    /// 400 `mutability`: the request tries to change a readOnly or immutable attribute.
    public static func mutability(_ detail: String) -> SCIMError { SCIMError(.mutability, detail) }

    /// 400 `tooMany`: the query would return more results than the server allows.
    public static func tooMany(_ detail: String) -> SCIMError { SCIMError(.tooMany, detail) }

    /// 400 `sensitive`: the request put sensitive data in the URL.
    public static func sensitive(_ detail: String) -> SCIMError { SCIMError(.sensitive, detail) }

    /// 400 `invalidVers`: an unsupported SCIM protocol version.
    public static func invalidVersion(_ detail: String) -> SCIMError { SCIMError(.invalidVers, detail) }

    /// 409 `uniqueness`: a unique attribute value is already taken.
    public static func uniqueness(_ detail: String) -> SCIMError { SCIMError(.uniqueness, detail) }

    /// 413 `tooLarge`: the request body exceeds the server's limit.
    public static func tooLarge(_ detail: String) -> SCIMError { SCIMError(.tooLarge, detail) }

    /// 401: missing or invalid credentials.
    public static func unauthorized(_ detail: String = "authentication required") -> SCIMError {
        SCIMError(status: 401, detail: detail)
    }

    /// 403: the credentials do not allow this operation.
    public static func forbidden(_ detail: String) -> SCIMError { SCIMError(status: 403, detail: detail) }

    /// 404: the resource or endpoint does not exist.
    public static func notFound(_ detail: String) -> SCIMError { SCIMError(status: 404, detail: detail) }

    /// 405: the endpoint does not support this HTTP method.
    public static func methodNotAllowed(_ detail: String) -> SCIMError { SCIMError(status: 405, detail: detail) }

    /// 415: the request body is in a media type the endpoint does not read.
    public static func unsupportedMediaType(_ detail: String) -> SCIMError {
        SCIMError(status: 415, detail: detail)
    }

    /// 412: an `If-Match` precondition failed.
    public static func preconditionFailed(_ detail: String) -> SCIMError { SCIMError(status: 412, detail: detail) }

    /// 429: the client has too many requests in progress; it may retry later (RFC 6585).
    public static func tooManyRequests(_ detail: String) -> SCIMError { SCIMError(status: 429, detail: detail) }

    /// 501: the operation is not implemented (for example bulk).
    public static func notImplemented(_ detail: String) -> SCIMError { SCIMError(status: 501, detail: detail) }

    /// 500: an unexpected server fault. The detail is generic on purpose; log the cause instead.
    public static func internalError(_ detail: String = "internal server error") -> SCIMError {
        SCIMError(status: 500, detail: detail)
    }

    /// 400 `invalidSyntax` for a body that is not JSON.
    public init(_ error: JSONDecodingError) {
        self = .invalidSyntax("request body is not valid JSON: \(error.reason) at byte \(error.offset)")
    }
}

extension JSONValue {
    /// Decodes a request body, mapping malformed JSON to 400 `invalidSyntax`.
    public static func decodeRequestBody(_ bytes: some Collection<UInt8>) throws(SCIMError) -> JSONValue {
        do {
            return try decode(bytes)
        } catch {
            throw SCIMError(error)
        }
    }
}

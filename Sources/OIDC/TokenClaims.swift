import Foundation
import JSON
import JWTKit

/// A token's payload as it was sent: every member kept, read by name. The checks that matter
/// (`iss`, `aud`, times, the mapped claim) are made by ``TokenVerifier``, not by jwt-kit.
public struct TokenClaims: JWTPayload, Sendable {
    public var members: [String: JSONValue]

    public init(members: [String: JSONValue]) { self.members = members }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        members = try container.decode([String: JSONValue].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(members)
    }

    /// Not used: ``TokenVerifier`` checks the claims itself, with the issuer's rules.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// A string member, or nil.
    public func string(_ name: String) -> String? { members[name]?.stringValue }

    /// A NumericDate member (seconds since the epoch; integer or decimal), or nil.
    public func date(_ name: String) -> Date? {
        switch members[name] {
        case let .integer(seconds): Date(timeIntervalSince1970: TimeInterval(seconds))
        case let .decimal(seconds) where seconds.isFinite: Date(timeIntervalSince1970: seconds)
        default: nil
        }
    }

    /// `aud`: one string or an array of strings.
    public var audiences: [String] {
        switch members["aud"] {
        case let .string(audience): [audience]
        case let .array(values): values.compactMap(\.stringValue)
        default: []
        }
    }

    /// A member that is a list of strings (or one string), or nil when absent.
    public func strings(_ name: String) -> [String]? {
        switch members[name] {
        case let .string(value): [value]
        case let .array(values): values.compactMap(\.stringValue)
        default: nil
        }
    }
}

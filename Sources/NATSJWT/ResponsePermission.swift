/// Response permission (nats-io/jwt `ResponsePermission`): `ttl` is a Go duration in nanoseconds.
public struct ResponsePermission: Codable, Sendable, Equatable {
    /// Maximum responses per request (`max`).
    public var maxMessages: Int
    /// How long the reply permission lasts (`ttl`); zero means no limit.
    public var expires: Duration

    public init(maxMessages: Int, expires: Duration = .zero) {
        self.maxMessages = maxMessages
        self.expires = expires
    }

    /// The members of a response permission, named once (see ``ClaimField``).
    @usableFromInline enum Field: Int, ClaimField {
        case maxMessages, expires

        @usableFromInline var name: StaticString {
            switch self {
            case .maxMessages: "max"
            case .expires: "ttl"
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        maxMessages = try c.decodeIfPresent(Int.self, forKey: Field.maxMessages.key) ?? 0
        expires = .nanoseconds(try c.decodeIfPresent(Int64.self, forKey: Field.expires.key) ?? 0)
    }

    public func encode(to encoder: any Encoder) throws { try encodeFields(to: encoder) }

    /// Go's `time.Duration`: nanoseconds in an Int64, saturating instead of overflowing (±292 years).
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow || overflow2 { return seconds < 0 ? .min : .max }
        return total
    }
}

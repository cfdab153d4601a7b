/// A daily connect window, `start`/`end` as `HH:MM:SS` (nats-io/jwt `TimeRange`).
public struct TimeRange: Codable, Sendable, Equatable {
    public var start: String
    public var end: String

    public init(start: String, end: String) {
        self.start = start
        self.end = end
    }

    /// The members of a time range, named once (see ``ClaimField``).
    @usableFromInline enum Field: Int, ClaimField {
        case end, start

        @usableFromInline var name: StaticString {
            switch self {
            case .end: "end"
            case .start: "start"
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ClaimKey.self)
        start = try c.decode(String.self, forKey: Field.start.key)
        end = try c.decode(String.self, forKey: Field.end.key)
    }

    public func encode(to encoder: any Encoder) throws { try encodeFields(to: encoder) }
}

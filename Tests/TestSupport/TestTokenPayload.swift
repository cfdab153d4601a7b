import JWTKit

/// The payload of a test token: any claims, as given.
public struct TestTokenPayload: JWTPayload {
    public var claims: [String: TestClaim]

    public init(_ claims: [String: TestClaim]) { self.claims = claims }

    public init(from decoder: any Decoder) throws {
        claims = try decoder.singleValueContainer().decode([String: TestClaim].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(claims)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

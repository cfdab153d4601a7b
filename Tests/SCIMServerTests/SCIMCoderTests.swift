import Foundation
import Hummingbird
import HummingbirdTesting
import SCIM
import SCIMServer
import Testing

/// The context's decoder and encoder serve any Codable value, not only `JSONValue`, with the
/// SCIM JSON rules and content type.
@Suite struct SCIMCoderTests {
    struct Probe: Codable, ResponseEncodable, Equatable {
        var name: String
        var count: Int
    }

    /// The decoder reads only bodies declared as SCIM JSON (or plain JSON).
    static let json: HTTPFields = [.contentType: "application/scim+json"]

    @Test func aCodableValueRoundTripsAsSCIMJSON() async throws {
        let router = Router(context: SCIMRequestContext.self)
        router.post("probe") { request, context -> Probe in
            var probe = try await request.decode(as: Probe.self, context: context)
            probe.count += 1
            return probe
        }
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/probe", method: .post, headers: Self.json,
                                                    body: ByteBuffer(string: #"{"name":"a/b","count":1}"#))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == SCIMResponseEncoder.contentType)
            #expect(String(buffer: response.body) == #"{"count":2,"name":"a/b"}"#)
        }
    }

    @Test func aBodyTheSCIMParserRefusesIsAnInvalidSyntaxError() async throws {
        let router = Router(context: SCIMRequestContext.self)
        router.post("probe") { request, context -> Probe in
            do {
                return try await request.decode(as: Probe.self, context: context)
            } catch let error as SCIMError where error.status == 400 && error.scimType == .invalidSyntax {
                // Anything else (or no error) answers otherwise and fails the expectation below.
                throw HTTPError(.badRequest)
            }
        }
        try await Application(router: router).test(.router) { client in
            // Foundation would read this; SCIM refuses NUL in strings everywhere.
            let response = try await client.execute(uri: "/probe", method: .post, headers: Self.json,
                                                    body: ByteBuffer(string: #"{"name":"a\u0000b","count":1}"#))
            #expect(response.status == .badRequest)
        }
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Minimal HTTP GET for probing a running `scim-callout serve`.
enum HTTPProbe {
    struct Reply: Sendable {
        var status: Int
        var body: String
        var contentType: String?
    }

    static func get(_ url: String, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: try require(URL(string: url)))
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return Reply(status: http?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self),
                     contentType: http?.value(forHTTPHeaderField: "Content-Type"))
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw URLError(.badURL) }
    return value
}

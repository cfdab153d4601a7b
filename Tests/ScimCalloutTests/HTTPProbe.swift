import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Minimal HTTP client for probing a running `scim-callout serve`.
enum HTTPProbe {
    struct Reply: Sendable {
        var status: Int
        var body: String
        var contentType: String?
        /// Response headers by their canonical name (`Retry-After`).
        var headers: [String: String] = [:]

        /// The header `name`, whatever its case on the wire.
        func header(_ name: String) -> String? {
            headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    static func get(_ url: String, headers: [String: String] = [:]) async throws -> Reply {
        try await send("GET", url, headers: headers)
    }

    /// Sends one request with `method` and an optional UTF-8 `body`.
    static func send(_ method: String, _ url: String, headers: [String: String] = [:], body: String? = nil) async throws -> Reply {
        var request = URLRequest(url: try require(URL(string: url)))
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { fields[name] = value }
        }
        return Reply(status: http?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self),
                     contentType: http?.value(forHTTPHeaderField: "Content-Type"), headers: fields)
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw URLError(.badURL) }
    return value
}

import Foundation

/// The JSON coders for the JetStream API, and the reply envelope check every call shares.
enum JetStreamCoding {
    /// Just the `error` member, which any reply may carry instead of (or beside) its body.
    private struct ErrorEnvelope: Decodable {
        var error: JetStreamAPIError?
    }

    static func encode(_ value: some Encodable) throws(JetStreamError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Array(try encoder.encode(value))
        } catch {
            throw JetStreamError(.invalidArgument, "cannot encode the request: \(error)")
        }
    }

    /// Decodes a reply: a server `error` becomes a ``JetStreamError`` sorted by `err_code`,
    /// anything else that is not a `Response` becomes ``JetStreamError/Code/invalidResponse``.
    static func decode<Response: Decodable>(
        _ type: Response.Type, from bytes: some Collection<UInt8>, context: String
    ) throws(JetStreamError) -> Response {
        let data = Data(bytes)
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(ErrorEnvelope.self, from: data), let error = envelope.error {
            throw JetStreamError(error, context: context)
        }
        do {
            return try decoder.decode(Response.self, from: data)
        } catch {
            throw JetStreamError(.invalidResponse, "\(context): unexpected reply (\(Self.summary(of: error)))")
        }
    }

    /// A one-line account of a decoding error: the path and what was wrong, not the payload.
    static func summary(of error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(path(context)).\(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type at \(path(context))"
        case .dataCorrupted(let context): return "invalid JSON at \(path(context))"
        @unknown default: return "undecodable"
        }
    }
}

extension KeyedDecodingContainer {
    /// A Go `time.Duration` (int64 nanoseconds), or `fallback` when absent.
    func decodeNanoseconds(_ key: Key, default fallback: Duration = .zero) throws -> Duration {
        guard let nanoseconds = try decodeIfPresent(Int64.self, forKey: key) else { return fallback }
        return .nanoseconds(nanoseconds)
    }
}

extension KeyedEncodingContainer {
    /// Writes a duration as Go does: int64 nanoseconds.
    mutating func encodeNanoseconds(_ duration: Duration, forKey key: Key) throws {
        try encode(duration.nanoseconds, forKey: key)
    }
}

extension Duration {
    /// Whole nanoseconds, saturating at `Int64.max`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}

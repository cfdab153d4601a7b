import IdentityStore
import JSON
import Logging

/// A metadata value that stands for several fields of a structured log line.
///
/// Logged as one `.stringConvertible` value, a set of fields costs one dictionary entry instead
/// of one each (every decision is a log line: building, hashing, sorting and tearing down twenty
/// entries cost more than writing them). A structured handler writes the fields in its place,
/// as if each had been a metadata key of its own; any other handler prints `description`.
public protocol LogFieldsConvertible: CustomStringConvertible, Sendable {
    /// Calls `body` once per field present, keys in ascending byte order and unique.
    func forEachLogField(_ body: (_ key: String, _ value: LogFieldValue) -> Void)
}

extension LogFieldsConvertible {
    /// The fields as ordinary metadata (for handlers and tests that want a dictionary).
    public var metadata: Logger.Metadata {
        var metadata = Logger.Metadata()
        forEachLogField { key, value in metadata[key] = value.metadataValue }
        return metadata
    }

    /// The fields as one JSON object (keys in order), for handlers that print text.
    public var jsonDescription: String {
        var json = JSONWriter(dialect: .minimal, capacity: 512)
        json.beginObject()
        forEachLogField { key, value in
            json.key(key)
            switch value {
            case let .string(string): json.string(string)
            case let .strings(strings): json.stringArray(strings)
            }
        }
        json.endObject()
        return String(decoding: json.finished(), as: UTF8.self)
    }
}

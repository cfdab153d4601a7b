import Foundation
import Logging

/// A `LogHandler` that writes one JSON object per line, for log shippers (`log.format: json`).
///
/// Fields: `ts` (ISO 8601, UTC, milliseconds), `level`, `logger` (the label), `msg`, then the
/// merged metadata, keys sorted, as strings, arrays or nested objects (and `source` for warnings
/// and worse). Secrets never reach here because no code logs them; this handler does not try to
/// redact. Every decision is a log line, so lines are written by hand (``JSONLineEncoder``):
/// `JSONSerialization` with sorted keys and a date formatter cost more than the decision itself.
struct JSONLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable ([UInt8]) -> Void

    init(label: String, level: Logger.Level, write: @escaping @Sendable ([UInt8]) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = JSONLineEncoder()
        line.field("ts", string: JSONLineEncoder.timestamp(Date()))
        line.field("level", string: event.level.rawValue)
        line.field("logger", string: label)
        line.field("msg", string: event.message.description)
        // Sorted keys without building a merged dictionary or hashing a key: every field is
        // tagged with its source's rank, sorted by key then rank, and only the first of equal
        // keys is kept, so the event's metadata wins over the provider's, which wins over the
        // logger's (as `merge` would); keys within one source are unique.
        var fields: [(key: String, rank: Int, value: Logger.Metadata.Value)] = []
        let provided = metadataProvider?.get()
        fields.reserveCapacity((event.metadata?.count ?? 0) + (provided?.count ?? 0) + metadata.count + 1)
        for (rank, source) in [event.metadata, provided, metadata].enumerated() {
            guard let source, !source.isEmpty else { continue }
            for (key, value) in source where !JSONLineEncoder.fixedFields.contains(key) { fields.append((key, rank, value)) }
        }
        if event.level >= .warning { fields.append(("source", 3, .string("\(event.file):\(event.line)"))) }
        fields.sort { $0.key != $1.key ? $0.key < $1.key : $0.rank < $1.rank }
        var previous: String?
        fields.removeAll { field in
            defer { previous = field.key }
            return field.key == previous
        }
        for field in fields { line.field(field.key, value: field.value) }
        write(line.finished())
    }

    /// Lines go to stderr through ``LogLineWriter`` (batched, never blocking the caller); each
    /// line is appended whole, so concurrent lines never interleave.
    @Sendable static func standardError(_ line: [UInt8]) {
        LogLineWriter.standardError.write(line)
    }
}

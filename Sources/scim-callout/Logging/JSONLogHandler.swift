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
        // Sorted keys without building a merged dictionary: the event's metadata wins over the
        // provider's, which wins over the logger's (as `merge` would); keys within one source are unique.
        var fields: [(key: String, value: Logger.Metadata.Value)] = []
        let provided = metadataProvider?.get()
        fields.reserveCapacity((event.metadata?.count ?? 0) + (provided?.count ?? 0) + metadata.count + 1)
        var taken = Set<String>(JSONLineEncoder.fixedFields)
        for source in [event.metadata, provided, metadata] {
            guard let source, !source.isEmpty else { continue }
            for (key, value) in source where taken.insert(key).inserted { fields.append((key, value)) }
        }
        if event.level >= .warning, taken.insert("source").inserted { fields.append(("source", .string("\(event.file):\(event.line)"))) }
        fields.sort { $0.key < $1.key }
        for field in fields { line.field(field.key, value: field.value) }
        write(line.finished())
    }

    /// Lines go to stderr through ``LogLineWriter`` (batched, never blocking the caller); each
    /// line is appended whole, so concurrent lines never interleave.
    @Sendable static func standardError(_ line: [UInt8]) {
        LogLineWriter.standardError.write(line)
    }
}

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
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var line = JSONLineEncoder()
        line.field("ts", string: JSONLineEncoder.timestamp(Date()))
        line.field("level", string: event.level.rawValue)
        line.field("logger", string: label)
        line.field("msg", string: event.message.description)
        if event.level >= .warning { merged["source"] = .string("\(event.file):\(event.line)") }
        for key in merged.keys.sorted() where !JSONLineEncoder.fixedFields.contains(key) {
            if let value = merged[key] { line.field(key, value: value) }
        }
        write(line.finished())
    }

    /// One `write(2)` per line, so concurrent lines stay whole.
    @Sendable static func standardError(_ line: [UInt8]) {
        line.withUnsafeBytes { FileHandle.standardError.write(Data($0)) }
    }
}

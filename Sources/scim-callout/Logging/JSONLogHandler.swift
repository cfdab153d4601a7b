import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

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
        // Sorted keys without building a merged dictionary: later sources win, as `merge` would.
        var fields: [(key: String, value: Logger.Metadata.Value)] = []
        fields.reserveCapacity(metadata.count + (event.metadata?.count ?? 0) + 1)
        func add(_ source: Logger.Metadata?) {
            guard let source else { return }
            for (key, value) in source where !JSONLineEncoder.fixedFields.contains(key) {
                if let index = fields.firstIndex(where: { $0.key == key }) { fields[index].value = value } else { fields.append((key, value)) }
            }
        }
        add(metadata)
        add(metadataProvider?.get())
        add(event.metadata)
        if event.level >= .warning { add(["source": .string("\(event.file):\(event.line)")]) }
        fields.sort { $0.key < $1.key }
        for field in fields { line.field(field.key, value: field.value) }
        write(line.finished())
    }

    /// One `write(2)` per line (retried only for a partial write), so concurrent lines stay whole.
    @Sendable static func standardError(_ line: [UInt8]) {
        line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = Glibc.write(STDERR_FILENO, base + offset, buffer.count - offset)
                if written > 0 { offset += written } else if written < 0, errno == EINTR { continue } else { return }
            }
        }
    }
}

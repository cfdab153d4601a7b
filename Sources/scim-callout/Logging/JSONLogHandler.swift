import Foundation
import AuthCallout
import Logging

/// A `LogHandler` that writes one JSON object per line, for log shippers (`log.format: json`).
///
/// Fields: `ts` (ISO 8601, UTC, milliseconds), `level`, `logger` (the label), `msg`, then the
/// merged metadata, keys sorted, as strings, arrays or nested objects (and `source` for warnings
/// and worse). A ``LogFieldsConvertible`` value (a decision) stands for its fields: they are
/// written in its key's place, merged into the sorted keys. Secrets never reach here because no code logs them; this handler does not try to
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
        // A group of fields (a decision's) comes sorted already: it is merged in, not sorted.
        var group: (fields: any LogFieldsConvertible, rank: Int)?
        let provided = metadataProvider?.get()
        fields.reserveCapacity((event.metadata?.count ?? 0) + (provided?.count ?? 0) + metadata.count + 1)
        // Three sources by rank, without building an array of them for every line.
        func collect(_ source: Logger.Metadata?, rank: Int) {
            guard let source, !source.isEmpty else { return }
            for (key, value) in source where !JSONLineEncoder.fixedFields.contains(key) {
                if case let .stringConvertible(convertible) = value, let fieldGroup = Self.fieldGroup(convertible) {
                    if group == nil {
                        group = (fieldGroup, rank)
                    } else {
                        // A second group (nothing logs one today) joins the fields to sort.
                        fieldGroup.forEachLogField { key, value in fields.append((key, rank, value.metadataValue)) }
                    }
                    continue
                }
                fields.append((key, rank, value))
            }
        }
        collect(event.metadata, rank: 0)
        collect(provided, rank: 1)
        collect(metadata, rank: 2)
        if event.level >= .warning { fields.append(("source", 3, .string("\(event.file):\(event.line)"))) }
        fields.sort { $0.key != $1.key ? $0.key < $1.key : $0.rank < $1.rank }
        var previous: String?
        fields.removeAll { field in
            defer { previous = field.key }
            return field.key == previous
        }
        var next = 0
        if let group {
            group.fields.forEachLogField { key, value in
                while next < fields.count, fields[next].key < key {
                    line.field(fields[next].key, value: fields[next].value)
                    next += 1
                }
                if next < fields.count, fields[next].key == key {
                    // Equal keys: the higher-ranked source wins, as above (a plain field on a tie).
                    defer { next += 1 }
                    if fields[next].rank <= group.rank {
                        line.field(fields[next].key, value: fields[next].value)
                        return
                    }
                }
                line.field(key, value: value)
            }
        }
        for field in fields[next...] { line.field(field.key, value: field.value) }
        write(line.finish())
    }

    /// The value as a group of fields, if it is one. A decision's fields (one per line logged
    /// on the decision path) are recognised by a cast to their concrete type, which is cheaper
    /// than the protocol cast every other value goes through.
    private static func fieldGroup(_ value: any CustomStringConvertible & Sendable) -> (any LogFieldsConvertible)? {
        if let decision = value as? DecisionLogFields { return decision }
        return value as? any LogFieldsConvertible
    }

    /// Lines go to stderr through ``LogLineWriter`` (batched, never blocking the caller); each
    /// line is appended whole, so concurrent lines never interleave.
    @Sendable static func standardError(_ line: [UInt8]) {
        LogLineWriter.standardError.write(line)
    }
}

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
    var metadata: Logger.Metadata = [:] {
        didSet { (sortedMetadata, metadataHasGroup) = Self.sorted(metadata) }
    }
    /// `metadata` without the fixed fields, sorted by key, kept in step with it: a line whose
    /// only other metadata is one group of fields (a decision's) sorts nothing.
    private var sortedMetadata: [(key: String, value: Logger.Metadata.Value)] = []
    /// Whether `metadata` holds a group of fields itself (then lines take the general path).
    private var metadataHasGroup = false
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
        if metadataProvider == nil, event.level < .warning, !metadataHasGroup, writeMerged(event.metadata, into: &line) {
            write(line.finish())
            return
        }
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

    /// Writes the event's metadata merged with the sorted `sortedMetadata` when the event has
    /// none or only one group of fields, which then wins over the handler's metadata on equal
    /// keys (as in the general path); returns false, having written nothing, for anything else.
    private func writeMerged(_ eventMetadata: Logger.Metadata?, into line: inout JSONLineEncoder) -> Bool {
        guard let eventMetadata, !eventMetadata.isEmpty else {
            for field in sortedMetadata { line.field(field.key, value: field.value) }
            return true
        }
        guard eventMetadata.count == 1, let (key, value) = eventMetadata.first,
              case let .stringConvertible(convertible) = value, !JSONLineEncoder.fixedFields.contains(key),
              let group = Self.fieldGroup(convertible)
        else { return false }
        var next = 0
        group.forEachLogField { key, value in
            while next < sortedMetadata.count, sortedMetadata[next].key < key {
                line.field(sortedMetadata[next].key, value: sortedMetadata[next].value)
                next += 1
            }
            if next < sortedMetadata.count, sortedMetadata[next].key == key { next += 1 }
            line.field(key, value: value)
        }
        for field in sortedMetadata[next...] { line.field(field.key, value: field.value) }
        return true
    }

    /// `metadata` as the fast path reads it: without the fixed fields, sorted by key.
    private static func sorted(_ metadata: Logger.Metadata) -> ([(key: String, value: Logger.Metadata.Value)], hasGroup: Bool) {
        var hasGroup = false
        let fields = metadata.filter { key, value in
            if case let .stringConvertible(convertible) = value, fieldGroup(convertible) != nil { hasGroup = true }
            return !JSONLineEncoder.fixedFields.contains(key)
        }
        return (fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, hasGroup)
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

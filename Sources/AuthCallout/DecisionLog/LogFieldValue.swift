import Logging

/// One value of a ``LogFieldsConvertible``: what a structured log line can hold.
public enum LogFieldValue: Sendable, Equatable {
    case string(String)
    case strings([String])

    /// The same value as swift-log metadata.
    public var metadataValue: Logger.Metadata.Value {
        switch self {
        case let .string(text): .string(text)
        case let .strings(texts): .array(texts.map { .string($0) })
        }
    }
}

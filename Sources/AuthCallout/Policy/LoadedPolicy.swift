import Foundation

/// A policy file as it was loaded: its exact bytes, so the history can hash and re-evaluate it.
public struct LoadedPolicy: Sendable, Equatable {
    /// The file's bytes.
    public var content: Data
    /// The ``PolicyStore/generation`` this load produced.
    public var generation: Int
    public var loadedAt: Date
}

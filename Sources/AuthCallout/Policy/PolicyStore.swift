import Foundation
import Logging
import NIOConcurrencyHelpers
import Policy

/// Holds the policy in force and reloads it from its file; an invalid file never replaces a good policy.
///
/// Reloads happen on `reload()` (the executable calls it on SIGHUP) and, while `watch(every:clock:)`
/// runs, whenever the file's modification time, size or inode changes.
public final class PolicyStore: Sendable {
    /// The outcome of a reload attempt.
    public enum ReloadOutcome: Sendable, Equatable {
        case reloaded
        case unchanged
        /// The file was rejected; the previous policy stays in force.
        case rejected(PolicyError)
    }

    struct FileStamp: Equatable {
        var modified: Date?
        var size: Int?
        var inode: Int?
    }

    private struct State {
        var policy: Policy
        var stamp: FileStamp?
        var generation: Int
    }

    /// The policy file, when the policy came from one.
    public let url: URL?
    private let state: NIOLockedValueBox<State>
    private let logger: Logger

    /// Loads the policy at `url`; at start an invalid file is an error (there is no last good policy).
    public init(url: URL, logger: Logger) throws(PolicyError) {
        let stamp = Self.stamp(of: url)
        let policy = try PolicyParser.load(contentsOf: url)
        self.url = url
        self.logger = logger
        self.state = NIOLockedValueBox(State(policy: policy, stamp: stamp, generation: 1))
        logger.info("policy loaded", metadata: ["policy.file": .string(url.path), "policy.bindings": "\(policy.bindings.count)"])
    }

    /// A fixed policy with no file (tests, embedded use).
    public init(policy: Policy, logger: Logger) {
        self.url = nil
        self.logger = logger
        self.state = NIOLockedValueBox(State(policy: policy, stamp: nil, generation: 1))
    }

    /// The policy in force.
    public var current: Policy { state.withLockedValue { $0.policy } }

    /// Increases with every successful reload.
    public var generation: Int { state.withLockedValue { $0.generation } }

    /// Re-reads the file now, even if it looks unchanged.
    @discardableResult
    public func reload() -> ReloadOutcome {
        load(force: true)
    }

    /// Re-reads the file if its stamp changed since the last attempt.
    @discardableResult
    public func reloadIfChanged() -> ReloadOutcome {
        load(force: false)
    }

    /// Polls the file every `interval` of `clock` and reloads on change, until cancelled.
    public func watch<C: Clock>(every interval: C.Duration, clock: C) async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: interval) } catch { return }
            reloadIfChanged()
        }
    }

    private func load(force: Bool) -> ReloadOutcome {
        guard let url else { return .unchanged }
        let stamp = Self.stamp(of: url)
        let changed = state.withLockedValue { $0.stamp != stamp }
        guard force || changed else { return .unchanged }
        do {
            let policy = try PolicyParser.load(contentsOf: url)
            let generation = state.withLockedValue { state -> Int in
                state.policy = policy
                state.stamp = stamp
                state.generation += 1
                return state.generation
            }
            logger.info("policy reloaded", metadata: [
                "policy.file": .string(url.path), "policy.bindings": "\(policy.bindings.count)", "policy.generation": "\(generation)",
            ])
            return .reloaded
        } catch {
            // Remember the stamp so a broken file is reported once, not on every poll.
            state.withLockedValue { $0.stamp = stamp }
            logger.error("policy rejected; the previous policy stays in force", metadata: [
                "policy.file": .string(url.path), "policy.errors": .array(error.issues.map { .string($0.description) }),
            ])
            return .rejected(error)
        }
    }

    static func stamp(of url: URL) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return nil }
        return FileStamp(
            modified: attributes[.modificationDate] as? Date,
            size: (attributes[.size] as? NSNumber)?.intValue,
            inode: (attributes[.systemFileNumber] as? NSNumber)?.intValue
        )
    }
}

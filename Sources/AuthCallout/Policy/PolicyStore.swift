import Foundation
import Logging
import NIOConcurrencyHelpers
import Policy

/// Holds the policy in force and reloads it from its file; an invalid file never replaces a good policy.
///
/// Reloads happen on `reload()` (the executable calls it on SIGHUP) and, while `watch(every:clock:)`
/// runs, whenever the file's modification time, size or inode changes. Every successful load
/// (the first included) is announced on ``loads`` with the file's bytes, for the policy history.
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
    /// Each successful load of the file, the first one included, in order (buffered until read;
    /// one reader). A policy given without a file announces nothing.
    public let loads: AsyncStream<LoadedPolicy>
    private let loadsContinuation: AsyncStream<LoadedPolicy>.Continuation
    private let state: NIOLockedValueBox<State>
    private let logger: Logger

    /// Loads the policy at `url`; at start an invalid file is an error (there is no last good policy).
    public init(url: URL, logger: Logger) throws(PolicyError) {
        let stamp = Self.stamp(of: url)
        let bytes = try Self.read(url)
        let policy = try PolicyParser.parse(bytes, source: url.lastPathComponent)
        self.url = url
        self.logger = logger
        self.state = NIOLockedValueBox(State(policy: policy, stamp: stamp, generation: 1))
        (loads, loadsContinuation) = AsyncStream.makeStream()
        loadsContinuation.yield(LoadedPolicy(content: bytes, generation: 1, loadedAt: Date()))
        logger.info("policy loaded", metadata: ["policy.file": .string(url.path), "policy.bindings": "\(policy.bindings.count)"])
    }

    /// A fixed policy with no file (tests, embedded use).
    public init(policy: Policy, logger: Logger) {
        self.url = nil
        self.logger = logger
        self.state = NIOLockedValueBox(State(policy: policy, stamp: nil, generation: 1))
        (loads, loadsContinuation) = AsyncStream.makeStream()
        loadsContinuation.finish()
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
            let bytes = try Self.read(url)
            let policy = try PolicyParser.parse(bytes, source: url.lastPathComponent)
            let generation = state.withLockedValue { state -> Int in
                state.policy = policy
                state.stamp = stamp
                state.generation += 1
                return state.generation
            }
            loadsContinuation.yield(LoadedPolicy(content: bytes, generation: generation, loadedAt: Date()))
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

    private static func read(_ url: URL) throws(PolicyError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw PolicyError(source: url.lastPathComponent,
                              issues: [.init(line: 0, column: 0, message: "cannot read the file: \(error.localizedDescription)")])
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

import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The issuers' keys for token logins: fetched at start, refreshed on schedule, refetched
/// (rate-limited) when a token names an unknown `kid`. A `Service`: ``run()`` does the
/// scheduled fetches until shutdown.
///
/// Decisions read a snapshot without waiting (``verify(_:)``); only a token with an unknown
/// `kid` waits, for at most one fetch per issuer per `unknownKeyFetchInterval` however many such
/// tokens arrive. An issuer whose keys were never fetched refuses its logins
/// (`issuer_unavailable`); keys fetched before stay usable for `staleKeyGrace` when refreshes fail.
public final class OIDCKeyStore: Service, Sendable {
    public let verifier: TokenVerifier
    private let fetcher: JWKSFetcher
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let state: NIOLockedValueBox<State>
    private let metricsFactory: any MetricsFactory
    /// The shortest wait between scheduled fetches, whatever `max-age` says.
    public static let minimumRefreshInterval: Duration = .seconds(5)

    private struct State {
        var keys: [String: IssuerKeys] = [:]
        /// The last fetch an unknown `kid` caused, per issuer: later ones within the interval wait for it.
        var unknownKeyFetches: [String: (started: Date, task: Task<Void, Never>)] = [:]
    }

    public init(issuers: [OIDCIssuer], fetcher: JWKSFetcher = JWKSFetcher(), logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory, now: @escaping @Sendable () -> Date = { Date() }) {
        self.metricsFactory = metricsFactory
        verifier = TokenVerifier(issuers: issuers)
        self.fetcher = fetcher
        self.logger = logger
        self.now = now
        var initial = State()
        for issuer in issuers { initial.keys[issuer.issuer] = IssuerKeys() }
        state = NIOLockedValueBox(initial)
    }

    /// The issuers, in a stable order.
    public var issuers: [OIDCIssuer] { verifier.issuers.values.sorted { $0.issuer < $1.issuer } }

    /// What is known of each issuer's keys now.
    public var keys: [String: IssuerKeys] { state.withLockedValue { $0.keys } }

    /// The issuers whose keys have never been fetched (their logins are refused).
    public var unavailableIssuers: [String] {
        keys.filter { !$0.value.isAvailable }.map(\.key).sorted()
    }

    /// Checks `token` with the keys known now; never waits.
    public func verify(_ token: String) -> TokenVerification {
        verifier.verify(token, keys: keys, now: now())
    }

    /// Checks `token` again after the fetch an unknown `kid` allows: a new one when the last
    /// was longer than `unknownKeyFetchInterval` ago, else the last one (awaited if still running).
    public func verifyAfterRefetch(_ token: String, issuer name: String) async -> TokenVerification {
        await refetchForUnknownKey(issuer: name)
        switch verify(token) {
        case let .unknownKey(issuer, kid):
            return .failed(TokenFailure(.invalid, "no key of the issuer has this kid", issuer: issuer, keyID: kid))
        case let other:
            return other
        }
    }

    /// Fetches the keys of every issuer now (concurrently); true when all succeeded.
    @discardableResult
    public func refreshAll() async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            for issuer in issuers { group.addTask { await self.refresh(issuer) } }
            var all = true
            for await ok in group { all = all && ok }
            return all
        }
    }

    /// Fetches one issuer's keys and merges them; true on success.
    @discardableResult
    public func refresh(_ issuer: OIDCIssuer) async -> Bool {
        let name = issuer.issuer
        do {
            let fetched = try await fetcher.fetch(issuer, now: now())
            let at = now()
            state.withLockedValue { state in
                state.keys[name, default: IssuerKeys()].fetchCount += 1
                state.keys[name]?.merge(fetched.keys, at: at, grace: issuer.staleKeyGrace)
                state.keys[name]?.maxAge = fetched.maxAge
            }
            Counter(label: "scim_callout_oidc_jwks_fetches_total", dimensions: [("issuer", name), ("result", "ok")], factory: metricsFactory).increment()
            Gauge(label: "scim_callout_oidc_jwks_fetched_timestamp_seconds", dimensions: [("issuer", name)], factory: metricsFactory)
                .record(at.timeIntervalSince1970)
            logger.debug("OIDC keys fetched", metadata: ["oidc.issuer": "\(name)", "oidc.keys": "\(fetched.keys.count)",
                                                         "oidc.skipped": "\(fetched.skipped)"])
            return true
        } catch {
            state.withLockedValue { state in
                state.keys[name, default: IssuerKeys()].fetchCount += 1
                state.keys[name]?.lastError = "\(error)"
            }
            Counter(label: "scim_callout_oidc_jwks_fetches_total", dimensions: [("issuer", name), ("result", "error")], factory: metricsFactory).increment()
            logger.warning("OIDC keys could not be fetched", metadata: ["oidc.issuer": "\(name)", "error": "\(error)"])
            return false
        }
    }

    /// Fetches at start, then keeps each issuer's keys fresh until cancelled or shut down.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for issuer in issuers {
                group.addTask { await self.keepFresh(issuer) }
            }
        }
    }

    private func keepFresh(_ issuer: OIDCIssuer) async {
        // Keys fetched just before the service started (``refreshAll()`` at start) are not fetched again.
        var fetchedAlready = keys[issuer.issuer]?.isAvailable == true
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let ok = fetchedAlready ? true : await refresh(issuer)
            fetchedAlready = false
            let maxAge = keys[issuer.issuer]?.maxAge
            // Cache-Control may ask for a sooner refresh, never a later one; a failure retries sooner.
            var wait = min(issuer.refreshInterval, maxAge ?? issuer.refreshInterval)
            if !ok { wait = min(wait, max(Self.minimumRefreshInterval, issuer.unknownKeyFetchInterval)) }
            let delay = max(wait, Self.minimumRefreshInterval)
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            } catch {
                return
            }
            if Task.isShuttingDownGracefully { return }
        }
    }

    private func refetchForUnknownKey(issuer name: String) async {
        guard let issuer = verifier.issuers[name] else { return }
        let task = state.withLockedValue { state -> Task<Void, Never> in
            let at = now()
            if let last = state.unknownKeyFetches[name],
               at.timeIntervalSince(last.started) < issuer.unknownKeyFetchInterval.timeInterval {
                return last.task
            }
            Counter(label: "scim_callout_oidc_unknown_kid_fetches_total", dimensions: [("issuer", name)],
                    factory: metricsFactory).increment()
            let task = Task { _ = await self.refresh(issuer) }
            state.unknownKeyFetches[name] = (at, task)
            return task
        }
        await task.value
    }
}

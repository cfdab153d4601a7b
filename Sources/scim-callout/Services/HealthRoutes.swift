import Hummingbird
import Prometheus

/// `/healthz`, `/readyz` and `/metrics`.
enum HealthRoutes {
    /// Adds the routes to `router`.
    /// - Parameters:
    ///   - readiness: what `/readyz` requires; a 503 lists the failing ones.
    ///   - registry: the Prometheus registry `/metrics` renders.
    ///   - beforeScrape: refreshes gauges that are read on demand (store row counts).
    static func add<Context: RequestContext>(
        to router: Router<Context>,
        readiness: [ReadinessCheck],
        registry: PrometheusCollectorRegistry,
        beforeScrape: @escaping @Sendable () async -> Void
    ) {
        // Process up: answering at all is the check.
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            let failing = await ReadinessCheck.failing(readiness)
            if failing.isEmpty { return Response(status: .ok, body: .init(byteBuffer: .init(string: "ready\n"))) }
            let text = "not ready: " + failing.joined(separator: ", ") + "\n"
            return Response(status: .serviceUnavailable, body: .init(byteBuffer: .init(string: text)))
        }
        router.get("metrics") { _, _ -> Response in
            await beforeScrape()
            var bytes: [UInt8] = []
            bytes.reserveCapacity(16 * 1024)
            registry.emit(into: &bytes)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: .init(bytes: bytes))
            )
        }
    }
}

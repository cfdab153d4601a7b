import Foundation
import Metrics

/// The executable's own metrics (the libraries report theirs through the same factory).
///
/// `scim_callout_info{version}` is always 1; `scim_callout_uptime_seconds` is refreshed on each
/// scrape; store row counts and NATS connection state are gauges set from their sources.
struct ServiceMetrics: Sendable {
    private let factory: any MetricsFactory
    private let started = ContinuousClock.now
    private let uptime: Gauge

    init(factory: any MetricsFactory) {
        self.factory = factory
        Gauge(label: "scim_callout_info", dimensions: [("version", BuildInfo.version)], factory: factory).record(1)
        uptime = Gauge(label: "scim_callout_uptime_seconds", factory: factory)
    }

    func refreshUptime() {
        let elapsed = started.duration(to: .now)
        uptime.record(Double(elapsed.components.seconds))
    }

    /// Sets `store_rows{table}` for each table.
    func recordRowCounts(_ counts: [String: Int]) {
        for (table, count) in counts {
            Gauge(label: "store_rows", dimensions: [("table", table)], factory: factory).record(count)
        }
    }

    /// Sets `nats_connection_state{connection,state}`: 1 for the current state, 0 for the others.
    func recordNATSState(_ current: String, states: [String], role: String) {
        for state in states {
            Gauge(label: "nats_connection_state", dimensions: [("connection", role), ("state", state)], factory: factory)
                .record(state == current ? 1 : 0)
        }
    }

    /// Counts one reconnect to nats-server.
    func recordReconnect(role: String) {
        Counter(label: "nats_reconnects_total", dimensions: [("connection", role)], factory: factory).increment()
    }
}

/// One condition `/readyz` requires, e.g. "store open" or "NATS subscription live".
struct ReadinessCheck: Sendable {
    var name: String
    var isReady: @Sendable () async -> Bool

    /// The names of the checks that fail now (empty: ready).
    static func failing(_ checks: [ReadinessCheck]) async -> [String] {
        var failing: [String] = []
        for check in checks where await !check.isReady() { failing.append(check.name) }
        return failing
    }
}

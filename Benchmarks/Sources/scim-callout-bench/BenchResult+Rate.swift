extension BenchResult {
    /// Runs `body` repeatedly for at least `minimumDuration` (after a short warm-up) and
    /// reports calls per second.
    static func rate(
        _ name: String, minimumDuration: Duration = .seconds(1), _ body: () throws -> Void
    ) rethrows -> BenchResult {
        let clock = ContinuousClock()
        for _ in 0..<100 { try body() }
        var calls = 0
        var batch = 64
        let start = clock.now
        var elapsed = Duration.zero
        while elapsed < minimumDuration {
            for _ in 0..<batch { try body() }
            calls += batch
            elapsed = clock.now - start
            // Bigger batches once the cost per call is known, so reading the clock stays negligible.
            if elapsed < minimumDuration / 10 { batch *= 2 }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return BenchResult(name: name, value: Double(calls) / seconds, unit: "ops/s")
    }
}

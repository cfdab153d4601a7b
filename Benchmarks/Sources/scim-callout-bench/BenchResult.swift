/// One benchmark figure, e.g. `ed25519 sign` = 52,000 `ops/s`. Shared by every bench suite.
struct BenchResult: Sendable, CustomStringConvertible {
    var name: String
    var value: Double
    var unit: String

    init(name: String, value: Double, unit: String) {
        self.name = name
        self.value = value
        self.unit = unit
    }

    var description: String {
        let number = value >= 100 ? String(Int(value.rounded())) : String((value * 100).rounded() / 100)
        return "\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(number) \(unit)"
    }

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
            if elapsed < minimumDuration / 10 { batch *= 2 }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return BenchResult(name: name, value: Double(calls) / seconds, unit: "ops/s")
    }
}

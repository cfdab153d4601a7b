/// One measured figure of a benchmark suite: `name`, `value` and its `unit`.
struct BenchResult: Sendable {
    var name: String
    var value: Double
    var unit: String
}

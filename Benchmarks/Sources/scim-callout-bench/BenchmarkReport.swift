import Foundation

/// Writes the figures of every suite as `docs/benchmarks.md` (the file `make bench` produces).
///
/// Usage from `BenchMain`:
/// ```swift
/// var report = BenchmarkReport()
/// report.add(suite: "NATS protocol parser", results: try ParserBench.run())
/// try report.write()
/// ```
struct BenchmarkReport {
    /// The command that produced the figures, printed at the top of the report.
    var command = "make bench"
    private(set) var suites: [(name: String, results: [BenchResult], note: String?)] = []

    mutating func add(suite name: String, results: [BenchResult], note: String? = nil) {
        suites.append((name, results, note))
        if let note { print("\(name): \(note)") }
        for result in results { print("\(name) / \(result.name): \(Self.format(result.value)) \(result.unit)") }
    }

    /// The Markdown text: machine facts first, then one table per suite.
    func markdown(date: Date = Date()) -> String {
        var lines = [
            "# Benchmarks",
            "",
            "Written by `make bench` (`scripts/bench.sh` → `scim-callout-bench`, release build). Figures are",
            "from one machine; compare runs on the same hardware only.",
            "",
            "- Command: `\(command)`",
            "- Date: \(date.formatted(.iso8601))",
            "- Host: \(ProcessInfo.processInfo.hostName), \(ProcessInfo.processInfo.activeProcessorCount) cores, "
                + "\(ProcessInfo.processInfo.physicalMemory / 1_048_576) MiB",
            "- OS: \(ProcessInfo.processInfo.operatingSystemVersionString)",
            "",
        ]
        for suite in suites {
            lines.append("## \(suite.name)")
            lines.append("")
            if let note = suite.note { lines.append(note); lines.append("") }
            if suite.results.isEmpty { continue }
            lines.append("| Measure | Value | Unit |")
            lines.append("|---|---:|---|")
            for result in suite.results {
                lines.append("| \(result.name) | \(Self.format(result.value)) | \(result.unit) |")
            }
            lines.append("")
        }
        if suites.isEmpty { lines.append("No suites ran.\n") }
        return lines.joined(separator: "\n")
    }

    /// The hand-written section of docs/benchmarks.md (how the hot path was profiled), kept at
    /// the end of the file across runs: it is not a figure this driver measures.
    static let keptSection = "## Hot path"

    /// Writes to `$SCIM_CALLOUT_BENCH_OUTPUT`, else `docs/benchmarks.md`, keeping the file's
    /// ``keptSection`` (from its heading to the end) after the tables.
    func write(to path: String? = nil) throws {
        let target = path ?? ProcessInfo.processInfo.environment["SCIM_CALLOUT_BENCH_OUTPUT"] ?? "docs/benchmarks.md"
        var text = markdown()
        if let existing = try? String(contentsOfFile: target, encoding: .utf8),
           let start = existing.range(of: "\n\(Self.keptSection)\n")?.lowerBound {
            text += "\n"
            text += existing[start...].dropFirst()
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        print("wrote \(target)")
    }

    /// Three significant digits at most, no exponent for everyday magnitudes.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value >= 1_000 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.3g", value)
    }
}

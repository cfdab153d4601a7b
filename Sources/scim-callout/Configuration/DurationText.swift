/// Durations as written in configuration files.
enum DurationText {
    static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400)]
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            // "ms" also ends in "s": only accept a purely numeric remainder.
            guard let value = Double(number), value.isFinite, value >= 0 else { continue }
            return .milliseconds(Int64((value * seconds * 1_000).rounded()))
        }
        if let value = Double(text), value.isFinite, value >= 0 { return .milliseconds(Int64(value * 1_000)) }
        return nil
    }

    /// The shortest exact text: `10m` rather than `600s`.
    static func format(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        for (suffix, unit) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)]
        where ms % unit == 0 && ms >= unit {
            return "\(ms / unit)\(suffix)"
        }
        return "\(ms)ms"
    }
}

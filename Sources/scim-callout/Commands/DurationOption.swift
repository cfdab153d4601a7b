import ArgumentParser
import Foundation

/// A duration given on the command line (`--since 24h`, `--expires-in 90d`), in the
/// configuration's ``DurationText`` grammar and any letter case.
enum DurationOption {
    /// `text` as seconds, or a usage error naming `option` and showing `examples` of valid input.
    static func seconds(_ text: String, option: String, examples: String) throws -> TimeInterval {
        guard let duration = DurationText.parse(text.lowercased()) else {
            throw ValidationError("\(option) \(text) is not a duration such as \(examples)")
        }
        return TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }
}

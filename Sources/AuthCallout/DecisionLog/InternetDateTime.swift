import Foundation
import SCIM

/// Formats dates as `ISO8601DateFormatter` does by default (`2026-11-29T05:06:07Z`: UTC, whole
/// seconds rounded down), without a formatter per call: the decision log writes one per allow.
enum InternetDateTime {
    static func string(_ date: Date) -> String {
        SCIMDateTime.format(date, milliseconds: false)
    }
}

import Foundation

/// A daily connect window, `start` to `end` in the policy's time zone; `end` before `start`
/// crosses midnight (`22:00:00`–`06:00:00`). Written `HH:MM:SS`, as nats-server expects.
public struct TimeWindow: Sendable, Hashable, CustomStringConvertible {
    /// Seconds since local midnight.
    public let start: Int
    /// Seconds since local midnight (exclusive).
    public let end: Int

    public var description: String { "\(Self.format(start))-\(Self.format(end))" }
    /// `start` as `HH:MM:SS`.
    public var startText: String { Self.format(start) }
    /// `end` as `HH:MM:SS`.
    public var endText: String { Self.format(end) }

    /// Parses two `HH:MM:SS` times.
    /// - Throws: ``TimeWindowError`` for a malformed time or an empty window.
    public init(start: String, end: String) throws(TimeWindowError) {
        guard let startSeconds = Self.parse(start) else { throw TimeWindowError("start '\(start)' is not HH:MM:SS") }
        guard let endSeconds = Self.parse(end) else { throw TimeWindowError("end '\(end)' is not HH:MM:SS") }
        guard startSeconds != endSeconds else { throw TimeWindowError("start and end are equal: the window is empty") }
        self.start = startSeconds
        self.end = endSeconds
    }

    /// When `secondOfDay` is inside the window, the seconds left until it closes; nil otherwise.
    public func remaining(atSecondOfDay secondOfDay: Int) -> Int? {
        if start < end {
            return (start ..< end).contains(secondOfDay) ? end - secondOfDay : nil
        }
        if secondOfDay >= start { return 86_400 - secondOfDay + end }
        if secondOfDay < end { return end - secondOfDay }
        return nil
    }

    /// The second of the day of `date` in `timeZone`.
    public static func secondOfDay(_ date: Date, in timeZone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        return (parts.hour ?? 0) * 3600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0)
    }

    static func parse(_ text: String) -> Int? {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3, fields.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let hours = Int(fields[0]), let minutes = Int(fields[1]), let seconds = Int(fields[2]),
              hours < 24, minutes < 60, seconds < 60
        else { return nil }
        return hours * 3600 + minutes * 60 + seconds
    }

    static func format(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(h)):\(two(m)):\(two(s))"
    }
}

/// Why a time window in the policy is not valid.
public struct TimeWindowError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

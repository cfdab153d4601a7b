import Foundation

/// Keeps first-seen order while dropping duplicates.
struct OrderedUnion {
    private(set) var items: [String] = []
    /// Filled only past `linearLimit` items: a typical binding's few subjects are compared directly.
    private var seen: Set<String> = []
    private static let linearLimit = 16

    mutating func add(_ values: [String]) {
        for value in values {
            if items.count < Self.linearLimit {
                if !items.contains(value) { items.append(value) }
                continue
            }
            if seen.isEmpty { seen = Set(items) }
            if seen.insert(value).inserted { items.append(value) }
        }
    }
}

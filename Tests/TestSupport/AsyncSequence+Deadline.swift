extension AsyncSequence where Self: Sendable, Element: Sendable {
    /// The next `count` elements, failing with `TestSupportError.timedOut` when they have not all
    /// arrived within `timeout` (a deadline, not a wait) or the sequence ends first.
    public func first(_ count: Int, within timeout: Duration, what: String) async throws -> [Element] {
        try await withThrowingTaskGroup(of: [Element]?.self) { group in
            group.addTask {
                var elements: [Element] = []
                var iterator = self.makeAsyncIterator()
                while elements.count < count, let element = try await iterator.next() { elements.append(element) }
                return elements
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let elements = first, elements.count == count else {
                let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
                throw TestSupportError.timedOut(what: what, seconds: seconds)
            }
            return elements
        }
    }
}

/// The servers a connection may use: the configured ones plus the `connect_urls` the server
/// advertises, with a count of failed attempts per server since it last worked.
struct ServerPool: Sendable {
    struct Entry: Sendable, Equatable {
        var address: ServerAddress
        /// Learned from `INFO.connect_urls` rather than configured.
        var isDiscovered: Bool
        var failedAttempts = 0
    }

    private(set) var entries: [Entry]
    let maxAttemptsPerServer: Int?

    init(addresses: [ServerAddress], maxAttemptsPerServer: Int?) {
        self.entries = addresses.map { Entry(address: $0, isDiscovered: false) }
        self.maxAttemptsPerServer = maxAttemptsPerServer
    }

    /// Adds advertised `host:port` URLs that are not known yet; unparsable ones are ignored.
    mutating func addDiscovered(_ urls: [String]) {
        for url in urls {
            guard let address = try? ServerAddress(parsing: url),
                  !entries.contains(where: { $0.address.sameServer(as: address) })
            else { continue }
            entries.append(Entry(address: address, isDiscovered: true))
        }
    }

    /// The servers to try in the next round: those with attempts left, starting after `current`
    /// so a reconnect moves on from the server that just failed.
    func roundOrder(after current: ServerAddress?) -> [ServerAddress] {
        let eligible = entries.filter { entry in maxAttemptsPerServer.map { entry.failedAttempts < $0 } ?? true }
        guard let current, let index = eligible.firstIndex(where: { $0.address.sameServer(as: current) }) else {
            return eligible.map(\.address)
        }
        let rotated = eligible[(index + 1)...] + eligible[...index]
        return rotated.map(\.address)
    }

    mutating func recordFailure(_ address: ServerAddress) {
        guard let index = entries.firstIndex(where: { $0.address.sameServer(as: address) }) else { return }
        entries[index].failedAttempts += 1
    }

    mutating func recordSuccess(_ address: ServerAddress) {
        guard let index = entries.firstIndex(where: { $0.address.sameServer(as: address) }) else { return }
        entries[index].failedAttempts = 0
    }
}

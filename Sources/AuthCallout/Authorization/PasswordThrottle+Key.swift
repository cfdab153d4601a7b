import Policy

extension PasswordThrottle {
    /// Whom a password check is counted against: the claimed user name and the client's source.
    public struct Key: Sendable, Hashable, CustomStringConvertible {
        /// The claimed user name, lowercased (user names are caseless), known or not: an unknown
        /// name is counted like a known one, so throttling tells nothing about who exists.
        public let user: String
        /// The client's address as a network: an IPv4 address, or the /64 an IPv6 address is in
        /// (one host usually has a whole /64 to pick from); `unknown` when the server gave none.
        public let source: String

        /// - Parameters:
        ///   - user: the user name the client claimed.
        ///   - host: `client_info.host` as nats-server reports it.
        public init(user: String, host: String?) {
            self.user = user.lowercased()
            let network = host.flatMap { CIDRRange.enclosing(host: $0, ipv4PrefixLength: 32, ipv6PrefixLength: 64) }
            self.source = network?.description ?? (host.map { $0.isEmpty ? "unknown" : "host \($0)" } ?? "unknown")
        }

        public var description: String { "user \(user), source \(source)" }
    }
}

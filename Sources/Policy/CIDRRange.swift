#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `::1/128`); a bare address is a /32 or /128.
public struct CIDRRange: Sendable, Hashable, CustomStringConvertible {
    /// Network address bytes (4 or 16), with host bits cleared.
    let network: [UInt8]
    /// Prefix length in bits.
    public let prefixLength: Int

    public var description: String { "\(Self.format(network))/\(prefixLength)" }

    /// Parses `text`.
    /// - Throws: ``CIDRRangeError`` when the address or prefix is not valid.
    public init(_ text: String) throws(CIDRRangeError) {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count <= 2, let address = Self.parseAddress(String(pieces[0])) else {
            throw CIDRRangeError(text: text, reason: "not an IPv4 or IPv6 address")
        }
        let bits = address.count * 8
        var prefix = bits
        if pieces.count == 2 {
            guard let value = Int(pieces[1]), (0 ... bits).contains(value), pieces[1].allSatisfy(\.isASCII) else {
                throw CIDRRangeError(text: text, reason: "prefix length must be 0…\(bits)")
            }
            prefix = value
        }
        self.prefixLength = prefix
        self.network = Self.mask(address, prefix: prefix)
    }

    /// True when `host` (an address as nats-server reports it in `client_info.host`) is inside.
    /// An IPv4-mapped IPv6 address matches IPv4 networks; anything that does not parse never matches.
    public func contains(host: String) -> Bool {
        guard let address = Self.parseAddress(host), address.count == network.count else { return false }
        return Self.mask(address, prefix: prefixLength) == network
    }

    /// The network of the given size that holds `host` (an address as nats-server reports it),
    /// or nil when `host` is not an address. IPv4-mapped IPv6 addresses count as IPv4.
    public static func enclosing(host: String, ipv4PrefixLength: Int = 32, ipv6PrefixLength: Int = 128) -> CIDRRange? {
        guard let address = parseAddress(host) else { return nil }
        let prefix = max(0, min(address.count * 8, address.count == 4 ? ipv4PrefixLength : ipv6PrefixLength))
        return CIDRRange(network: mask(address, prefix: prefix), prefixLength: prefix)
    }

    private init(network: [UInt8], prefixLength: Int) {
        self.network = network
        self.prefixLength = prefixLength
    }

    /// Parses an IPv4 or IPv6 literal (brackets allowed) into 4 or 16 bytes; IPv4-mapped IPv6
    /// addresses come back as 4 bytes.
    static func parseAddress(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        guard !text.isEmpty, text.utf8.count < 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(text), &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, String(text), &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0 ..< 10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return Array(bytes[12 ..< 16])
        }
        return bytes
    }

    private static func mask(_ address: [UInt8], prefix: Int) -> [UInt8] {
        var out = address
        for index in out.indices {
            let bitsHere = max(0, min(8, prefix - index * 8))
            out[index] &= bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsHere))
        }
        return out
    }

    private static func format(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2)
            .map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}

/// Why a CIDR in the policy is not valid.
public struct CIDRRangeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "invalid network '\(text)': \(reason)" }
}

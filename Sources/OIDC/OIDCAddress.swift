import Foundation

/// Which addresses keys may be fetched from: https, or http to a loopback host (tests, a local
/// proxy). Anything else would let the network choose the keys.
public enum OIDCAddress {
    public static func isAcceptable(_ address: String) -> Bool {
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
              !host.isEmpty else { return false }
        if scheme == "https" { return true }
        return scheme == "http" && (host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127."))
    }
}

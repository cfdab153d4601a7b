import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore

/// Fetches an issuer's keys: OIDC discovery (`/.well-known/openid-configuration`), then the
/// `jwks_uri` it names. The JWKS is parsed and the keys made by jwt-kit; entries it cannot use
/// are skipped, so one odd key never hides the others.
public struct JWKSFetcher: Sendable {
    public let client: HTTPClient
    /// Per request (discovery, JWKS).
    public var timeout: Duration
    /// A larger discovery document or JWKS is refused.
    public static let maxBodyBytes = 512 * 1024

    public init(client: HTTPClient = .shared, timeout: Duration = .seconds(10)) {
        self.client = client
        self.timeout = timeout
    }

    /// The issuer's current keys.
    public func fetch(_ issuer: OIDCIssuer, now: Date) async throws -> FetchedKeys {
        let (discoveryBody, _) = try await get(issuer.discoveryURL, what: "discovery")
        let discovery: DiscoveryDocument
        do {
            discovery = try JSONDecoder().decode(DiscoveryDocument.self, from: Data(discoveryBody))
        } catch {
            throw OIDCFetchError("discovery document at \(issuer.discoveryURL) is not valid JSON with issuer and jwks_uri")
        }
        // OpenID Connect Discovery §4.3: the document must be the issuer's own.
        guard discovery.issuer == issuer.issuer else {
            throw OIDCFetchError("discovery document names issuer '\(discovery.issuer)', not '\(issuer.issuer)'")
        }
        guard OIDCAddress.isAcceptable(discovery.jwksURI) else {
            throw OIDCFetchError("jwks_uri '\(discovery.jwksURI)' is not https (plain http is allowed on loopback only)")
        }
        let (jwksBody, cacheControl) = try await get(discovery.jwksURI, what: "JWKS")
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode(KeySet.self, from: Data(jwksBody)).keys
        } catch {
            throw OIDCFetchError("JWKS at \(discovery.jwksURI) is not a JSON object with a keys array")
        }
        var keys: [VerificationKey] = []
        var skipped = 0
        for entry in entries {
            guard let jwk = entry.jwk else { skipped += 1; continue }
            let made = await Self.verificationKeys(from: jwk, allowed: issuer.algorithms, now: now)
            if made.isEmpty { skipped += 1 }
            keys += made
        }
        guard !keys.isEmpty else { throw OIDCFetchError("JWKS at \(discovery.jwksURI) has no usable key for the allowed algorithms") }
        return FetchedKeys(keys: keys, maxAge: cacheControl.flatMap(Self.maxAge(cacheControl:)), skipped: skipped)
    }

    /// The keys jwt-kit makes from `jwk`, one per allowed algorithm the key can serve.
    static func verificationKeys(from jwk: JWK, allowed: Set<TokenAlgorithm>, now: Date) async -> [VerificationKey] {
        guard let kid = jwk.keyIdentifier?.string, !kid.isEmpty else { return [] }
        let candidates: [TokenAlgorithm]
        if let declared = jwk.algorithm {
            candidates = TokenAlgorithm(rawValue: declared.rawValue).map { [$0] } ?? []
        } else {
            candidates = switch jwk.keyType {
            case .rsa: [.rs256, .rs384, .rs512, .ps256]
            case .ecdsa: jwk.curve == .ecdsa(.p256) ? [.es256] : jwk.curve == .ecdsa(.p384) ? [.es384] : []
            case .octetKeyPair: [.edDSA]
            default: []
            }
        }
        var keys: [VerificationKey] = []
        for algorithm in candidates where allowed.contains(algorithm) {
            var typed = jwk
            typed.algorithm = JWK.Algorithm(rawValue: algorithm.rawValue)
            // A collection per key and algorithm: jwt-kit remembers the first algorithm a JWK
            // without `alg` was used with.
            let collection = JWTKeyCollection()
            guard (try? await collection.add(jwk: typed)) != nil,
                  let key = try? await collection.getKey(for: JWKIdentifier(string: kid)),
                  key.name == algorithm.rawValue
            else { continue }
            keys.append(VerificationKey(keyID: kid, algorithm: algorithm, key: key, lastSeen: now))
        }
        return keys
    }

    /// `max-age` from a `Cache-Control` value (nil with `no-store`/`no-cache` or none).
    static func maxAge(cacheControl: String) -> Duration? {
        var maxAge: Duration?
        for directive in cacheControl.lowercased().split(separator: ",") {
            let directive = directive.trimmingCharacters(in: .whitespaces)
            if directive == "no-store" || directive == "no-cache" { return nil }
            if directive.hasPrefix("max-age="), let seconds = Int64(directive.dropFirst("max-age=".count)), seconds >= 0 {
                maxAge = .seconds(seconds)
            }
        }
        return maxAge
    }

    private func get(_ url: String, what: String) async throws -> ([UInt8], String?) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.timeInterval * 1e9)))
        } catch {
            throw OIDCFetchError("\(what) request to \(url) failed: \(type(of: error))")
        }
        guard response.status == .ok else {
            throw OIDCFetchError("\(what) request to \(url) answered HTTP \(response.status.code)")
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            throw OIDCFetchError("\(what) response from \(url) is larger than \(Self.maxBodyBytes) bytes or broke off")
        }
        return (Array(body.readableBytesView), response.headers.first(name: "Cache-Control"))
    }

    private struct DiscoveryDocument: Decodable {
        let issuer: String
        let jwksURI: String
        enum CodingKeys: String, CodingKey {
            case issuer
            case jwksURI = "jwks_uri"
        }
    }

    private struct KeySet: Decodable {
        let keys: [Entry]
    }

    /// One JWKS entry: a key jwt-kit can read, or nil (skipped).
    private struct Entry: Decodable {
        let jwk: JWK?
        init(from decoder: any Decoder) throws { jwk = try? JWK(from: decoder) }
    }
}

import Crypto
import CryptoExtras
import Foundation
import Hummingbird
import JWTKit
import Logging

/// A real OpenID provider for tests: discovery and a JWKS over HTTP on a loopback port, keys it
/// generates (RS256 and ES256), tokens it signs with jwt-kit, and keys it can rotate. It counts
/// the JWKS fetches it serves, so a test can show that they stay bounded.
public final class TestOIDCIssuer: @unchecked Sendable {
    public enum KeyKind: Sendable { case rs256, es256 }

    private struct SigningKey {
        let kid: String
        let kind: KeyKind
        let signer: JWTKeyCollection
        let jwk: JWK
    }

    private let lock = NSLock()
    private var keys: [SigningKey] = []
    private var published: Set<String> = []
    private var jwksFetches = 0
    private var jwksAvailable = true
    private var cacheControl: String?
    private var task: Task<Void, any Error>?
    /// The port it serves on.
    public private(set) var port = 0

    /// `iss`: `http://127.0.0.1:<port>`.
    public var issuer: String { "http://127.0.0.1:\(port)" }

    private init() {}

    /// Starts serving on an ephemeral loopback port.
    public static func start() async throws -> TestOIDCIssuer {
        let provider = TestOIDCIssuer()
        let router = Router()
        router.get("/.well-known/openid-configuration") { _, _ -> Response in
            let body = #"{"issuer":"\#(provider.issuer)","jwks_uri":"\#(provider.issuer)/keys","id_token_signing_alg_values_supported":["RS256","ES256"]}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/keys") { _, _ -> Response in
            let (body, cacheControl, available) = provider.jwksResponse()
            guard available else { return Response(status: .serviceUnavailable) }
            var headers: HTTPFields = [.contentType: "application/json"]
            if let cacheControl { headers[.cacheControl] = cacheControl }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        let ports = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) },
                              logger: Logger(label: "test-oidc", factory: { _ in SwiftLogNoOpLogHandler() }))
        provider.task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestSupportError.processFailed(command: "test OIDC issuer", status: -1, output: "did not start") }
        provider.port = port
        return provider
    }

    /// Stops serving.
    public func stop() async {
        task?.cancel()
        _ = await task?.result
    }

    /// Makes a key and publishes it in the JWKS (unless `publish` is false).
    public func addKey(_ kind: KeyKind, kid: String, publish: Bool = true) async throws {
        let signer = JWTKeyCollection()
        let jwk: JWK
        switch kind {
        case .rs256:
            let key = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
            await signer.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
            let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
            jwk = .rsa(.rs256, identifier: JWKIdentifier(string: kid), modulus: Self.base64URL(modulus),
                       exponent: Self.base64URL(exponent))
        case .es256:
            let key = ES256PrivateKey()
            await signer.add(ecdsa: key, kid: JWKIdentifier(string: kid))
            guard let parameters = key.publicKey.parameters else { throw TestSupportError.processFailed(command: "EC key", status: -1, output: "no parameters") }
            jwk = .ecdsa(.es256, identifier: JWKIdentifier(string: kid), x: parameters.x, y: parameters.y, curve: .p256)
        }
        lock.withLock {
            keys.append(SigningKey(kid: kid, kind: kind, signer: signer, jwk: jwk))
            if publish { published.insert(kid) }
        }
    }

    /// Publishes or withdraws a key from the JWKS (it can still sign).
    public func setPublished(_ kid: String, _ isPublished: Bool) {
        lock.withLock { if isPublished { published.insert(kid) } else { published.remove(kid) } }
    }

    /// Makes the JWKS endpoint answer 503 (false) or serve again (true).
    public func setAvailable(_ available: Bool) { lock.withLock { jwksAvailable = available } }

    /// The `Cache-Control` header the JWKS is served with.
    public func setCacheControl(_ value: String?) { lock.withLock { cacheControl = value } }

    /// How many JWKS requests were answered so far.
    public var jwksFetchCount: Int { lock.withLock { jwksFetches } }

    /// A token with `claims`, signed with key `kid` (`iss` added unless given).
    public func token(_ claims: [String: TestClaim], kid: String) async throws -> String {
        var claims = claims
        if claims["iss"] == nil { claims["iss"] = .string(issuer) }
        guard let key = lock.withLock({ keys.first { $0.kid == kid } }) else {
            throw TestSupportError.processFailed(command: "sign", status: -1, output: "no key \(kid)")
        }
        return try await key.signer.sign(TestTokenPayload(claims), kid: JWKIdentifier(string: kid))
    }

    /// The public key of `kid` as its JWK JSON (what an attacker can read from the JWKS).
    public func publicJWK(_ kid: String) throws -> Data {
        guard let key = lock.withLock({ keys.first { $0.kid == kid } }) else { return Data() }
        return try JSONEncoder().encode(key.jwk)
    }

    /// Standard claims valid now for `audience`, plus `extra`.
    public static func claims(audience: String, subject: String, lifetime: TimeInterval = 600,
                              now: Date = Date(), _ extra: [String: TestClaim] = [:]) -> [String: TestClaim] {
        let seconds = Int64(now.timeIntervalSince1970)
        var claims: [String: TestClaim] = ["aud": .string(audience), "sub": .string(subject), "iat": .integer(seconds),
                                           "nbf": .integer(seconds), "exp": .integer(seconds + Int64(lifetime))]
        for (name, value) in extra { claims[name] = value }
        return claims
    }

    /// base64url without padding.
    public static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private func jwksResponse() -> ([UInt8], String?, Bool) {
        lock.withLock {
            jwksFetches += 1
            let body = (try? JSONEncoder().encode(JWKS(keys: keys.filter { published.contains($0.kid) }.map(\.jwk)))) ?? Data()
            return (Array(body), cacheControl, jwksAvailable)
        }
    }
}

extension TestOIDCIssuer {
    /// HMAC-SHA256 of `data` with `key` (tests forge HS256 tokens with it).
    public static func hmacSHA256(_ data: Data, key: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }
}

import Foundation
import NKeys

/// Encoding, decoding and verification of NATS JWTs (`ed25519-nkey`).
///
/// A token is `base64url(header).base64url(claims).base64url(signature)` where the signature is
/// ed25519 over the ASCII of the first two segments, made by the key named in `iss`.
public enum JWT {
    /// The only header NATS v2 JWTs use.
    static let header = Array(#"{"typ":"JWT","alg":"ed25519-nkey"}"#.utf8)
    static let encodedHeader = Base64URL.encode(header)
    static let encodedHeaderBytes = Array(encodedHeader.utf8)

    /// Signs `claims` with `signer`, filling `iss`, `iat` and `jti` as nats-io/jwt does.
    /// - Parameter issuedAt: the `iat` to write (defaults to now).
    /// - Throws: `JWTError` with `.missingSubject`, `.badIssuer` (signer type not allowed for
    ///   these claims) or `.encodingFailed`.
    public static func encode<Payload>(
        _ claims: JWTClaims<Payload>, signedBy signer: KeyPair, issuedAt: Date = Date()
    ) throws(JWTError) -> String {
        try signed(claims, by: signer, issuedAt: issuedAt).text
    }

    /// The claims' JSON: the hand-written writer where it applies (byte-identical to
    /// `makeEncoder()`'s output, see `JWTClaims+FastJSON.swift`), `JSONEncoder` otherwise.
    static func claimsJSON<Payload>(_ claims: JWTClaims<Payload>) throws(JWTError) -> [UInt8] {
        if let json = claims.fastJSON() { return json }
        do {
            return Array(try makeEncoder().encode(claims))
        } catch {
            throw JWTError(.encodingFailed, "claims could not be encoded as JSON")
        }
    }

    /// Decodes a token's claims **without** checking its signature or times.
    /// - Throws: `JWTError` with `.malformed`, `.unsupportedHeader`, `.badClaims` or `.wrongClaimType`.
    public static func decode<Payload>(_ token: String, as type: Payload.Type = Payload.self) throws(JWTError)
        -> JWTClaims<Payload>
    {
        try parse(Array(token.utf8), as: type).claims
    }

    /// Decodes a token and checks it: signature by `iss`, issuer type, `exp`/`nbf` against `now`
    /// with `leeway`, and `aud` when `expectedAudience` is given.
    /// - Parameters:
    ///   - now: the current time (inject a clock's reading in tests).
    ///   - expectedAudience: the required `aud`, or nil to accept any.
    ///   - allowedIssuerTypes: key types that may have signed; defaults to the claim type's.
    ///   - leeway: tolerated clock skew for `exp` and `nbf`.
    /// - Throws: `JWTError` naming the first failed check.
    public static func verify<Payload>(
        _ token: String,
        as type: Payload.Type = Payload.self,
        now: Date,
        expectedAudience: String? = nil,
        allowedIssuerTypes: Set<NKeyType>? = nil,
        leeway: Duration = .zero
    ) throws(JWTError) -> JWTClaims<Payload> {
        try verify(utf8: Array(token.utf8), as: type, now: now, expectedAudience: expectedAudience,
                   allowedIssuerTypes: allowedIssuerTypes, leeway: leeway)
    }

    /// Whole seconds since 1970, clamped so no `Date` can trap the conversion.
    static func unixSeconds(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite else { return seconds < 0 ? 0 : Int64.max }
        return Int64(exactly: seconds) ?? (seconds < 0 ? 0 : Int64.max)
    }

    /// The parts of a token, claims decoded.
    struct Parsed<Payload: NATSClaimsPayload> {
        var claims: JWTClaims<Payload>
        var signingInput: ArraySlice<UInt8>
        var signature: [UInt8]
    }

    /// Splits a token, decodes its segments and claims, and checks header and claim type; the
    /// signature is returned, not checked.
    static func parse<Payload>(_ bytes: [UInt8], as type: Payload.Type) throws(JWTError) -> Parsed<Payload> {
        guard let firstDot = bytes.firstIndex(of: UInt8(ascii: ".")),
              let secondDot = bytes[(firstDot + 1)...].firstIndex(of: UInt8(ascii: ".")),
              !bytes[(secondDot + 1)...].contains(UInt8(ascii: "."))
        else { throw JWTError(.malformed, "a JWT has three dot-separated segments") }
        let headerSegment = bytes[..<firstDot]
        guard let claimsJSON = Base64URL.decode(utf8: bytes[(firstDot + 1)..<secondDot]),
              let signature = Base64URL.decode(utf8: bytes[(secondDot + 1)...])
        else {
            throw JWTError(.malformed, "a segment is not base64url")
        }
        // Every NATS v2 implementation writes the same header bytes: skip JSON for them.
        if !headerSegment.elementsEqual(encodedHeaderBytes) {
            try checkHeader(String(decoding: headerSegment, as: UTF8.self))
        }
        let claims = try decodeClaims(claimsJSON, as: type)
        guard claims.nats.type == Payload.claimType else {
            throw JWTError(.wrongClaimType, "expected \(Payload.claimType) claims, got another type")
        }
        return Parsed(claims: claims, signingInput: bytes[..<secondDot], signature: signature)
    }

    /// Decodes claims JSON: the hand-written reader where it applies and is sure, else (and for
    /// every input it would reject) `JSONDecoder`, whose errors are the ones reported.
    static func decodeClaims<Payload>(_ json: [UInt8], as type: Payload.Type, fastPath: Bool = true)
        throws(JWTError) -> JWTClaims<Payload>
    {
        if fastPath, let claims = json.withUnsafeBufferPointer({ JWTClaims<Payload>.readFast($0) }) {
            return claims
        }
        do {
            return try JSONDecoder().decode(JWTClaims<Payload>.self, from: Data(json))
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw JWTError(.malformed, "claims are not JSON")
        } catch {
            throw JWTError(.badClaims, "claims do not match \(Payload.claimType) claims")
        }
    }

    /// A header spelled differently (other key order or spacing) must still say JWT / ed25519-nkey.
    private static func checkHeader(_ segment: String) throws(JWTError) {
        guard let json = Base64URL.decode(segment) else { throw JWTError(.malformed, "a segment is not base64url") }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(json)) else {
            throw JWTError(.malformed, "header is not JSON")
        }
        guard header.typ?.uppercased() == "JWT", header.alg?.lowercased() == "ed25519-nkey" else {
            throw JWTError(.unsupportedHeader, "only typ JWT with alg ed25519-nkey is supported")
        }
    }

    private struct Header: Decodable {
        var typ: String?
        var alg: String?
    }

    /// Deterministic output: sorted members, no escaped slashes.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

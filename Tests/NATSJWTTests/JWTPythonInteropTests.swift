import Foundation
import JSON
import Testing
import NATSJWT
import NKeys
import TestSupport

/// JWTs across implementations: Python (nkeys + hashlib) mints and checks, Swift does the other side.
@Suite struct JWTPythonInteropTests {
    /// Mints a user JWT the way nats-io/jwt does (jti = SHA-512/256 of the standard claims).
    static let minter = #"""
    import base64, hashlib, json, sys, time
    import nkeys

    account = nkeys.from_seed(bytearray(sys.argv[1].encode()))
    user_public, now = sys.argv[2], int(sys.argv[3])
    b64 = lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")
    iss = account.public_key.decode()
    std = {"aud": "APP", "exp": now + 60, "iat": now, "iss": iss, "name": "py-user", "sub": user_public}
    jti = base64.b32encode(hashlib.new("sha512_256", json.dumps(std, separators=(",", ":")).encode()).digest()).decode().rstrip("=")
    claims = dict(std, jti=jti, nats={
        "pub": {"allow": ["py.>"]}, "sub": {"deny": ["secret.>"]}, "resp": {"max": 1, "ttl": 5000000000},
        "subs": -1, "data": -1, "payload": 4096, "src": ["127.0.0.1/32"], "tags": ["python"],
        "type": "user", "version": 2, "from_python": True})
    head = b64(json.dumps({"typ": "JWT", "alg": "ed25519-nkey"}).encode())
    body = b64(json.dumps(claims, separators=(",", ":")).encode())
    sig = b64(account.sign(f"{head}.{body}".encode()))
    print(json.dumps({"token": f"{head}.{body}.{sig}", "jti": jti}))
    """#

    /// Verifies a Swift-minted token with PyNaCl and recomputes its jti with hashlib.
    static let checker = #"""
    import base64, hashlib, json, sys
    import nacl.exceptions, nacl.signing, nkeys

    token = sys.argv[1]
    head, body, sig = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)
    claims = json.loads(base64.urlsafe_b64decode(pad(body)))
    header = json.loads(base64.urlsafe_b64decode(pad(head)))
    iss = claims["iss"]
    raw = base64.b32decode(iss + "=" * (-len(iss) % 8))
    assert nkeys.crc16_checksum(raw[:-2]) == raw[-2:]
    try:
        nacl.signing.VerifyKey(raw[1:33]).verify(f"{head}.{body}".encode(), base64.urlsafe_b64decode(pad(sig)))
        signature_ok = True
    except nacl.exceptions.BadSignatureError:
        signature_ok = False
    std = {k: claims[k] for k in ["aud", "exp", "iat", "iss", "name", "nbf", "sub"] if claims.get(k)}
    jti = base64.b32encode(hashlib.new("sha512_256", json.dumps(std, separators=(",", ":")).encode()).digest()).decode().rstrip("=")
    print(json.dumps({"header": header, "signature_ok": signature_ok, "jti_ok": jti == claims["jti"],
                      "nats": claims["nats"]}))
    """#

    @Test func pythonMintedUserJWTVerifiesHere() async throws {
        let account = try KeyPair.generate(.account)
        let user = try KeyPair.generate(.user)
        let now = Int64(Date().timeIntervalSince1970)
        let run = try await runPython(Self.minter, arguments: [account.encodedSeed(), user.publicKey, String(now)])
        try #require(run.status == 0, "python minter failed: \(run.stderr.suffix(400))")
        struct Minted: Decodable { var token: String; var jti: String }
        let minted = try JSONDecoder().decode(Minted.self, from: Data(run.stdout.utf8))

        let claims = try JWT.verify(minted.token, as: NATSUser.self, now: Date(timeIntervalSince1970: Double(now)),
                                    expectedAudience: "APP")
        #expect(claims.issuer == account.publicKey)
        #expect(claims.subject == user.publicKey)
        #expect(claims.nats.pub.allow == ["py.>"])
        #expect(claims.nats.sub.deny == ["secret.>"])
        #expect(claims.nats.resp == ResponsePermission(maxMessages: 1, expires: .seconds(5)))
        #expect(claims.nats.payload == 4096)
        #expect(claims.nats.src == ["127.0.0.1/32"])
        #expect(claims.nats.unknownFields["from_python"] == .bool(true))
        // Our jti computation agrees with Python's hashlib sha512_256.
        #expect(claims.id == minted.jti)
        #expect(claims.computedID() == minted.jti)

        // A token signed by another account key must not verify.
        let other = try KeyPair.generate(.account)
        let forged = try await runPython(Self.minter, arguments: [other.encodedSeed(), user.publicKey, String(now)])
        let forgedToken = try JSONDecoder().decode(Minted.self, from: Data(forged.stdout.utf8)).token
        let parts = forgedToken.split(separator: ".")
        let original = minted.token.split(separator: ".")
        let spliced = "\(original[0]).\(original[1]).\(parts[2])"
        #expect(throws: JWTError.self) { try JWT.verify(spliced, as: NATSUser.self, now: Date()) }
    }

    @Test func swiftMintedJWTVerifiesInPython() async throws {
        let account = try KeyPair.generate(.account)
        let user = try KeyPair.generate(.user)
        let claims = UserClaims(subject: user.publicKey, name: "swift <&> user", audience: "APP",
                                expires: Int64(Date().timeIntervalSince1970) + 60,
                                nats: NATSUser(pub: Permission(allow: ["a.>"]), bearerToken: true))
        let token = try JWT.encode(claims, signedBy: account)
        let run = try await runPython(Self.checker, arguments: [token])
        try #require(run.status == 0, "python checker failed: \(run.stderr.suffix(400))")
        struct Checked: Decodable {
            var header: [String: String]
            var signature_ok: Bool
            var jti_ok: Bool
            var nats: [String: JSONValue]
        }
        let checked = try JSONDecoder().decode(Checked.self, from: Data(run.stdout.utf8))
        #expect(checked.header == ["typ": "JWT", "alg": "ed25519-nkey"])
        #expect(checked.signature_ok)
        #expect(checked.nats["bearer_token"] == .bool(true))
        #expect(checked.nats["subs"] == .integer(-1))
        // Python's json.dumps does not escape <, >, & as Go does, so for this name the hashes
        // differ; with a plain name they agree (checked below).
        #expect(!checked.jti_ok)
        var plain = claims
        plain.name = "swift user"
        let plainRun = try await runPython(Self.checker, arguments: [try JWT.encode(plain, signedBy: account)])
        #expect(try JSONDecoder().decode(Checked.self, from: Data(plainRun.stdout.utf8)).jti_ok)
    }
}

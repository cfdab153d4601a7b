import Foundation
import Testing
import NKeys
import TestSupport

/// Swift → Python: keys, signatures and boxes made here, checked live by Python nkeys + PyNaCl.
@Suite struct NKeysPythonInteropTests {
    /// Reads a JSON job from argv[1]; prints one JSON object of results.
    static let checker = #"""
    import base64, json, sys
    import nacl.exceptions, nacl.public, nacl.signing
    import nkeys

    job = json.loads(open(sys.argv[1]).read())

    def decode_public(text):
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
        body, crc = raw[:-2], raw[-2:]
        assert nkeys.crc16_checksum(body) == crc, "bad crc"
        return body[0], body[1:]

    def verifies(public, message, signature):
        _, key = decode_public(public)
        try:
            nacl.signing.VerifyKey(key).verify(message, signature)
            return True
        except nacl.exceptions.BadSignatureError:
            return False

    out = {"keys": [], "signatures": [], "opened": []}
    for k in job["keys"]:
        kp = nkeys.from_seed(bytearray(k["seed"].encode()))
        out["keys"].append(kp.public_key.decode() == k["public_key"])
    for s in job["signatures"]:
        out["signatures"].append(verifies(s["public_key"], bytes.fromhex(s["message_hex"]),
                                          bytes.fromhex(s["signature_hex"])))
    # Curve: the recipient's raw secret comes from its seed; Python decodes it independently.
    for b in job["boxes"]:
        seed = b["recipient_seed"]
        raw = base64.b32decode(seed + "=" * (-len(seed) % 8))
        assert nkeys.crc16_checksum(raw[:-2]) == raw[-2:], "bad seed crc"
        secret = raw[2:34]
        _, sender = decode_public(b["sender_public_key"])
        sealed = bytes.fromhex(b["sealed_hex"])
        assert sealed[:4] == b"xkv1"
        box = nacl.public.Box(nacl.public.PrivateKey(secret), nacl.public.PublicKey(sender))
        try:
            out["opened"].append(box.decrypt(sealed[28:], sealed[4:28]).hex())
        except nacl.exceptions.CryptoError:
            out["opened"].append(None)
    print(json.dumps(out))
    """#

    struct Job: Encodable {
        struct Key: Encodable { var seed: String; var public_key: String }
        struct Signature: Encodable { var public_key: String; var message_hex: String; var signature_hex: String }
        struct Box: Encodable { var recipient_seed: String; var sender_public_key: String; var sealed_hex: String }
        var keys: [Key] = []
        var signatures: [Signature] = []
        var boxes: [Box] = []
    }

    struct Result: Decodable {
        var keys: [Bool]
        var signatures: [Bool]
        var opened: [String?]
    }

    @Test func pythonAcceptsSwiftKeysSignaturesAndBoxes() async throws {
        var job = Job()
        var expectedSignatures: [Bool] = []
        for type in NKeyType.allCases where type.isSigningType {
            let pair = try KeyPair.generate(type)
            job.keys.append(.init(seed: pair.encodedSeed(), public_key: pair.publicKey))
            let message = Array("message for \(type)".utf8)
            let signature = pair.signature(for: message)
            job.signatures.append(.init(public_key: pair.publicKey, message_hex: hexString(message),
                                        signature_hex: hexString(signature)))
            expectedSignatures.append(true)
            // A signature over another message must be refused by Python too.
            job.signatures.append(.init(public_key: pair.publicKey, message_hex: hexString(message + [0]),
                                        signature_hex: hexString(signature)))
            expectedSignatures.append(false)
        }
        let service = try XKeyPair.generate()
        let server = try XKeyPair.generate()
        let messages: [[UInt8]] = [[], Array("hello xkey".utf8), (0..<3000).map { UInt8(truncatingIfNeeded: $0) }]
        var expectedOpened: [String?] = []
        for message in messages {
            job.boxes.append(.init(recipient_seed: server.encodedSeed(), sender_public_key: service.publicKey,
                                   sealed_hex: hexString(try service.seal(message, to: server.publicKey))))
            job.boxes.append(.init(recipient_seed: server.encodedSeed(), sender_public_key: service.publicKey,
                                   sealed_hex: hexString(try service.sharedBox(with: server.publicKey).seal(message))))
            expectedOpened += [hexString(message), hexString(message)]
        }
        // Sealed for someone else: Python must fail to open it.
        let stranger = try XKeyPair.generate()
        job.boxes.append(.init(recipient_seed: server.encodedSeed(), sender_public_key: service.publicKey,
                               sealed_hex: hexString(try service.seal([1, 2, 3], to: stranger.publicKey))))
        expectedOpened.append(nil)

        let directory = try TestEnvironment.temporaryDirectory("nkeys-interop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let jobURL = directory.appendingPathComponent("job.json")
        try JSONEncoder().encode(job).write(to: jobURL)
        let run = try await runPython(Self.checker, arguments: [jobURL.path])
        try #require(run.status == 0, "python checker failed: \(run.stderr.suffix(400))")
        let result = try JSONDecoder().decode(Result.self, from: Data(run.stdout.utf8))
        #expect(result.keys == Array(repeating: true, count: job.keys.count))
        #expect(result.signatures == expectedSignatures)
        #expect(result.opened == expectedOpened)
    }
}

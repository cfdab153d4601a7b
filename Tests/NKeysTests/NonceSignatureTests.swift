import Foundation
import Testing
import NKeys
import TestSupport

@Suite struct NonceSignatureTests {
    @Test func signedNonceVerifiesInEveryBase64Spelling() throws {
        let user = try KeyPair.generate(.user)
        let nonce = "mb5ehGGP9-lmZo8"
        let urlSafe = user.signNonce(nonce)
        #expect(!urlSafe.contains("=") && !urlSafe.contains("+") && !urlSafe.contains("/"))
        #expect(user.verifyingKey.isValidNonceSignature(urlSafe, nonce: nonce))
        // nats-py sends standard base64 with padding.
        let standard = Data(user.signature(for: Array(nonce.utf8))).base64EncodedString()
        #expect(standard.hasSuffix("="))
        #expect(user.verifyingKey.isValidNonceSignature(standard, nonce: nonce))
    }

    @Test func wrongNonceKeyOrTextIsRefused() throws {
        let user = try KeyPair.generate(.user)
        let other = try KeyPair.generate(.user)
        let signature = user.signNonce("nonce-1")
        #expect(!user.verifyingKey.isValidNonceSignature(signature, nonce: "nonce-2"))
        #expect(!other.verifyingKey.isValidNonceSignature(signature, nonce: "nonce-1"))
        #expect(!user.verifyingKey.isValidNonceSignature("", nonce: "nonce-1"))
        #expect(!user.verifyingKey.isValidNonceSignature("not base64 !!", nonce: "nonce-1"))
        #expect(!user.verifyingKey.isValidNonceSignature(String(signature.dropLast(3)), nonce: "nonce-1"))
    }

    @Test func natsPyStyleSignatureVerifies() async throws {
        // Exactly what nats-py's nkeys_seed signature callback computes for CONNECT.
        let user = try KeyPair.generate(.user)
        let nonce = "OJQWY3DPEBXGS3LFONZWK"
        let run = try await runPython("""
            import base64, sys, nkeys
            kp = nkeys.from_seed(bytearray(sys.argv[1].encode()))
            print(base64.b64encode(kp.sign(sys.argv[2].encode())).decode())
            """, arguments: [user.encodedSeed(), nonce])
        try #require(run.status == 0, "\(run.stderr.suffix(300))")
        let signature = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(user.verifyingKey.isValidNonceSignature(signature, nonce: nonce))
        #expect(!user.verifyingKey.isValidNonceSignature(signature, nonce: nonce + "x"))
    }
}

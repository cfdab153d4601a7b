import Testing
import TestSupport
@testable import NKeys

/// Random and mutated input never crashes and never yields a key: every failure is an
/// `NKeysError`. Seeded, so a failure reproduces.
@Suite struct NKeysFuzzTests {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    @Test func randomTextIsRejectedWithATypedError() {
        var rng = SeededGenerator(seed: 0x5EED)
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...70, using: &rng)
            let text = String((0..<length).map { _ in Self.alphabet.randomElement(using: &rng) ?? "A" })
            // A random 56/58-character string passes the CRC about once in 65,536 tries; if it
            // does, it is a valid (random) key, which is fine, so only crashes would fail here.
            _ = try? PublicKey(text)
            _ = try? KeyPair(seed: text)
            _ = try? XKeyPair(seed: text)
        }
    }

    @Test func everySingleCharacterChangeOfAKeyIsCaught() throws {
        let pair = try KeyPair.generate(.user)
        let texts = [pair.publicKey, pair.encodedSeed()]
        for text in texts {
            let chars = Array(text)
            for index in chars.indices {
                for replacement in Self.alphabet where replacement != chars[index] {
                    var mutated = chars
                    mutated[index] = replacement
                    let candidate = String(mutated)
                    // CRC-16 detects every single-symbol change of a 35/36-byte key, or the
                    // changed character broke the prefix or the canonical trailing bits.
                    #expect((try? PublicKey(candidate)) == nil && (try? KeyPair(seed: candidate)) == nil,
                            "accepted a mutated key at position \(index)")
                }
            }
        }
    }

    @Test func randomBytesNeverOpenAsXKeyBoxes() throws {
        var rng = SeededGenerator(seed: 0xB0C5)
        let alice = try XKeyPair.generate()
        let bob = try XKeyPair.generate()
        let box = try bob.sharedBox(with: alice.publicKey)
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...120, using: &rng)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if length >= 4, Bool.random(using: &rng) { bytes.replaceSubrange(0..<4, with: Array("xkv1".utf8)) }
            #expect((try? bob.open(bytes, from: alice.publicKey)) == nil)
            #expect((try? box.open(bytes)) == nil)
        }
    }
}

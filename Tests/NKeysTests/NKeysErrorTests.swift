import Testing
@testable import NKeys

/// Every `NKeysError.Code`, from the input that should cause it; none may crash.
@Suite struct NKeysErrorTests {
    static let userSeed = "SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY"
    static let userPublic = "UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJXT"

    /// Re-encodes raw bytes with a correct checksum, to reach the checks after the CRC.
    static func encodeWithChecksum(_ body: [UInt8]) -> String {
        let crc = CRC16.checksum(body)
        return Base32.encode(body + [UInt8(truncatingIfNeeded: crc), UInt8(truncatingIfNeeded: crc >> 8)])
    }

    /// The code of the `NKeysError` that `body` throws; nil if it throws nothing or another error.
    func code(_ body: () throws -> Void) -> NKeysError.Code? {
        do { try body() } catch let error as NKeysError { return error.code } catch { return nil }
        return nil
    }

    @Test func badBase32() {
        #expect(code { _ = try PublicKey("UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJX1") } == .badBase32)
        #expect(code { _ = try KeyPair(seed: "suakyrhviorexv7euztbhuhl7numhpmas7qmdu3gtiuwei5ldnoxd43izy") } == .badBase32)
        #expect(code { _ = try PublicKey("UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJXT\n") } == .badBase32)
        #expect(code { _ = try PublicKey("ü") } == .badBase32)
    }

    @Test func badChecksum() {
        // Change one character in the key body: base32 stays valid, the CRC no longer matches.
        var chars = Array(Self.userPublic)
        chars[20] = chars[20] == "A" ? "B" : "A"
        #expect(code { _ = try PublicKey(String(chars)) } == .badChecksum)
        var seed = Array(Self.userSeed)
        seed[30] = seed[30] == "A" ? "B" : "A"
        #expect(code { _ = try KeyPair(seed: String(seed)) } == .badChecksum)
    }

    @Test func badPrefix() throws {
        // A valid encoding with an unknown prefix byte ('P' private-key prefix, 15 << 3).
        let unknown = Self.encodeWithChecksum([15 << 3] + [UInt8](repeating: 7, count: 32))
        #expect(code { _ = try PublicKey(unknown) } == .badPrefix)
        // A seed where a public key is expected, and the other way round.
        #expect(code { _ = try PublicKey(Self.userSeed) } == .badPrefix)
        #expect(code { _ = try KeyPair(seed: Self.userPublic) } == .badPrefix)
        // A seed header carrying an unknown key type.
        let badType = Self.encodeWithChecksum([NKeyType.seedPrefixByte | 0, 1 << 3] + [UInt8](repeating: 1, count: 32))
        #expect(code { _ = try KeyPair(seed: badType) } == .badPrefix)
    }

    @Test func badLength() {
        let short = Self.encodeWithChecksum([NKeyType.user.prefixByte] + [UInt8](repeating: 3, count: 31))
        #expect(code { _ = try PublicKey(short) } == .badLength)
        let long = Self.encodeWithChecksum([NKeyType.user.prefixByte] + [UInt8](repeating: 3, count: 33))
        #expect(code { _ = try PublicKey(long) } == .badLength)
        let user = NKeyType.user.prefixByte
        let shortSeed = Self.encodeWithChecksum(
            [NKeyType.seedPrefixByte | (user >> 5), (user & 31) << 3] + [UInt8](repeating: 3, count: 31))
        #expect(code { _ = try KeyPair(seed: shortSeed) } == .badLength)
        #expect(code { _ = try PublicKey("AAAA") } == .badLength)
        #expect(code { _ = try KeyPair(seed: "") } == .badLength)
    }

    @Test func wrongKeyType() throws {
        let curve = try XKeyPair.generate()
        #expect(code { _ = try KeyPair(seed: curve.encodedSeed()) } == .wrongKeyType)
        #expect(code { _ = try XKeyPair(seed: Self.userSeed) } == .wrongKeyType)
        #expect(code { _ = try KeyPair.generate(.curve) } == .wrongKeyType)
        #expect(code { _ = try PublicKey(Self.userPublic, allowedTypes: [.account]) } == .wrongKeyType)
        #expect(code { _ = try curve.seal([1], to: Self.userPublic) } == .wrongKeyType)
        #expect(code { _ = try curve.open([1], from: Self.userPublic) } == .wrongKeyType)
        #expect(code { _ = try curve.sharedBox(with: Self.userPublic) } == .wrongKeyType)
        #expect(PublicKey.isValid(Self.userPublic, types: [.user]))
        #expect(!PublicKey.isValid(Self.userPublic, types: [.operator, .account]))
    }

    @Test func badSealedMessage() throws {
        let alice = try XKeyPair.generate()
        let bob = try XKeyPair.generate()
        #expect(code { _ = try bob.open([], from: alice.publicKey) } == .badSealedMessage)
        #expect(code { _ = try bob.open(Array("xkv1".utf8), from: alice.publicKey) } == .badSealedMessage)
        var sealed = try alice.seal(Array("hi".utf8), to: bob.publicKey)
        sealed[3] = UInt8(ascii: "2")
        #expect(code { _ = try bob.open(sealed, from: alice.publicKey) } == .badSealedMessage)
        #expect(code { _ = try bob.sharedBox(with: alice.publicKey).open(Array("eyJhbGciOi".utf8)) } == .badSealedMessage)
    }

    @Test func decryptionFailed() throws {
        let alice = try XKeyPair.generate()
        let bob = try XKeyPair.generate()
        let eve = try XKeyPair.generate()
        let sealed = try alice.seal(Array("secret".utf8), to: bob.publicKey)
        #expect(code { _ = try eve.open(sealed, from: alice.publicKey) } == .decryptionFailed)
        #expect(code { _ = try bob.open(sealed, from: eve.publicKey) } == .decryptionFailed)
        for index in [5, 30, sealed.count - 1] {
            var tampered = sealed
            tampered[index] ^= 0x80
            #expect(code { _ = try bob.open(tampered, from: alice.publicKey) } == .decryptionFailed)
        }
    }

    @Test func cryptoFailureForDegeneratePeerKey() throws {
        // The all-zero curve point has low order: no shared key may be derived from it.
        let zero = Self.encodeWithChecksum([NKeyType.curve.prefixByte] + [UInt8](repeating: 0, count: 32))
        let pair = try XKeyPair.generate()
        #expect(code { _ = try pair.sharedBox(with: zero) } == .cryptoFailure)
        #expect(code { _ = try pair.seal([1, 2], to: zero) } == .cryptoFailure)
    }

    @Test func errorTextNeverContainsKeyMaterial() {
        var seed = Array(Self.userSeed)
        seed[30] = seed[30] == "A" ? "B" : "A"
        do {
            _ = try KeyPair(seed: String(seed))
            Issue.record("a corrupted seed was accepted")
        } catch {
            #expect(!error.description.contains(String(seed)))
            #expect(!error.description.contains(String(seed).prefix(12)))
            #expect(error.description.contains("badChecksum"))
        }
    }
}

import Testing
@testable import NKeys

/// Published vectors (nkeys README, nats-server tests) and the primitives under NKeys.
@Suite struct NKeysVectorTests {
    @Test(arguments: [
        // nkeys README
        ("SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY", "UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJXT"),
        // nats-server server/configs/one.creds
        ("SUAPCDMU5TSHHLWUUZSOUABJXP2GXRCZVEOVWPSVM5XRSXYGQMRRFDYNMY", "UDCIBGGGHCJBQPOO4SCJJBHZDR37NQGGCIWMNG2DDAKJ6WMKBMAKXIMO"),
        // nats-server auth_callout_test.go
        ("SAANDLKMXL6CUS3CP52WIXBEDN6YJ545GDKC65U5JZPPV6WH6ESWUA6YAI", "ABJHLOVMPA4CI6R5KLNGOB4GSLNIY7IOUPAJC4YFNDLQVIOBYQGUWVLA"),
    ])
    func signingSeedGivesPublishedPublicKey(seed: String, publicKey: String) throws {
        let pair = try KeyPair(seed: seed)
        #expect(pair.publicKey == publicKey)
        #expect(pair.encodedSeed() == seed)
        #expect(try PublicKey(publicKey).rawRepresentation == pair.publicKeyBytes)
    }

    @Test func curveSeedGivesPublishedPublicKey() throws {
        let seed = "SXAAXMRAEP6JWWHNB6IKFL554IE6LZVT6EY5MBRICPILTLOPHAG73I3YX4"
        let pair = try XKeyPair(seed: seed)
        #expect(pair.publicKey == "XAB3NANV3M6N7AHSQP2U5FRWKKUT7EG2ZXXABV4XVXYQRJGM4S2CZGHT")
        #expect(pair.encodedSeed() == seed)
    }

    @Test func crc16IsXModem() {
        #expect(CRC16.checksum(Array("123456789".utf8)) == 0x31C3)
        #expect(CRC16.checksum([UInt8]()) == 0)
    }

    @Test(arguments: [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"),
        ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI"),
    ])
    func base32MatchesRFC4648(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
    }

    @Test(arguments: ["MZ", "M", "MZXW6YTBO", "mzxw6", "MZXW6===", "MZ1W"])
    func base32RejectsNonCanonicalOrForeignText(text: String) {
        #expect(Base32.decode(text) == nil)
    }

    @Test func everyTypeHasItsPublicPrefixLetter() throws {
        for type in NKeyType.allCases where type.isSigningType {
            let pair = try KeyPair.generate(type)
            #expect(pair.type == type)
            #expect(pair.publicKey.first == type.publicPrefix)
            #expect(pair.publicKey.count == 56)
            let seed = pair.encodedSeed()
            #expect(seed.count == 58)
            #expect(seed.prefix(2) == "S\(type.publicPrefix)")
            #expect(try KeyPair(seed: seed).publicKey == pair.publicKey)
            #expect(try PublicKey(pair.publicKey).type == type)
        }
        let curve = try XKeyPair.generate()
        #expect(curve.publicKey.first == "X")
        #expect(curve.encodedSeed().prefix(2) == "SX")
        #expect(try XKeyPair(seed: curve.encodedSeed()).publicKey == curve.publicKey)
    }

    @Test func signAndVerify() throws {
        let pair = try KeyPair.generate(.user)
        let message = Array("a nonce from the server".utf8)
        let signature = pair.signature(for: message)
        #expect(signature.count == 64)
        #expect(pair.isValidSignature(signature, for: message))
        #expect(try PublicKey(pair.publicKey).isValidSignature(signature, for: message))
        #expect(!pair.isValidSignature(signature, for: Array("another message".utf8)))
        var tampered = signature
        tampered[10] ^= 0x01
        #expect(!pair.isValidSignature(tampered, for: message))
        #expect(!pair.isValidSignature(signature.dropLast(), for: message))
        let other = try KeyPair.generate(.user)
        #expect(!other.isValidSignature(signature, for: message))
        // Non-contiguous and empty inputs take the same path.
        #expect(pair.isValidSignature(pair.signature(for: "abc".utf8), for: Array("abc".utf8)))
        #expect(pair.isValidSignature(pair.signature(for: [UInt8]()), for: [UInt8]()))
    }

    @Test func curveKeysNeverVerifySignatures() throws {
        let curve = try XKeyPair.generate()
        let key = try PublicKey(curve.publicKey)
        #expect(key.type == .curve)
        #expect(!key.isValidSignature([UInt8](repeating: 0, count: 64), for: [1, 2, 3]))
    }

    @Test func descriptionsNeverShowSeeds() throws {
        let pair = try KeyPair.generate(.account)
        let seed = pair.encodedSeed()
        #expect(!"\(pair)".contains(seed))
        #expect("\(pair)".contains(pair.publicKey))
        let curve = try XKeyPair.generate()
        #expect(!"\(curve)".contains(curve.encodedSeed()))
        #expect(!String(reflecting: pair).contains(seed))
    }
}

import Foundation
import Testing
import NKeys

/// Values produced by the independent Python `nkeys` + PyNaCl (`Fixtures/generate.py`).
@Suite struct NKeysFixtureTests {
    struct Fixtures: Decodable {
        struct Signature: Decodable {
            var message_hex: String
            var signature_hex: String
        }
        struct SigningKey: Decodable {
            var type: String
            var seed: String
            var public_key: String
            var signatures: [Signature]
        }
        struct CurveKey: Decodable {
            var seed: String
            var public_key: String
        }
        struct Box: Decodable {
            var sender_public_key: String
            var recipient_seed: String
            var message_hex: String
            var sealed_hex: String
        }
        var signing_keys: [SigningKey]
        var curve_keys: [CurveKey]
        var boxes: [Box]
    }

    static func load() throws -> Fixtures {
        let url = try #require(Bundle.module.url(forResource: "nkeys-fixtures", withExtension: "json",
                                                 subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixtures.self, from: Data(contentsOf: url))
    }

    @Test func fixturesCoverEveryKeyType() throws {
        let fixtures = try Self.load()
        let types = Set(fixtures.signing_keys.map(\.type))
        #expect(types == Set(NKeyType.allCases.filter(\.isSigningType).map(\.rawValue)))
        #expect(!fixtures.curve_keys.isEmpty)
        #expect(!fixtures.boxes.isEmpty)
    }

    @Test func seedsGiveThePythonPublicKeys() throws {
        for key in try Self.load().signing_keys {
            let pair = try KeyPair(seed: key.seed)
            #expect(pair.publicKey == key.public_key)
            #expect(pair.type.rawValue == key.type)
            #expect(pair.encodedSeed() == key.seed)
        }
        for key in try Self.load().curve_keys {
            let pair = try XKeyPair(seed: key.seed)
            #expect(pair.publicKey == key.public_key)
            #expect(pair.encodedSeed() == key.seed)
        }
    }

    @Test func signaturesMatchPythonByteForByte() throws {
        for key in try Self.load().signing_keys {
            let pair = try KeyPair(seed: key.seed)
            let publicKey = try PublicKey(key.public_key)
            for fixture in key.signatures {
                let message = try hexBytes(fixture.message_hex)
                let expected = try hexBytes(fixture.signature_hex)
                // ed25519 is deterministic: the same seed and message give the same signature.
                #expect(pair.signature(for: message) == expected)
                #expect(publicKey.isValidSignature(expected, for: message))
            }
        }
    }

    @Test func pythonSealedBoxesOpenHere() throws {
        for box in try Self.load().boxes {
            let recipient = try XKeyPair(seed: box.recipient_seed)
            let sealed = try hexBytes(box.sealed_hex)
            let message = try hexBytes(box.message_hex)
            #expect(try recipient.open(sealed, from: box.sender_public_key) == message)
            #expect(try recipient.sharedBox(with: box.sender_public_key).open(sealed) == message)
        }
    }
}

struct HexError: Error {}

func hexBytes(_ hex: String) throws -> [UInt8] {
    let chars = Array(hex.utf8)
    guard chars.count % 2 == 0 else { throw HexError() }
    return try stride(from: 0, to: chars.count, by: 2).map { index in
        guard let byte = UInt8(String(decoding: chars[index...index + 1], as: UTF8.self), radix: 16) else {
            throw HexError()
        }
        return byte
    }
}

func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

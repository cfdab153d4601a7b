import Testing
@testable import NKeys

@Suite struct XKeyTests {
    @Test(arguments: [0, 1, 100, 70_000])
    func sealThenOpenRoundTrips(size: Int) throws {
        let alice = try XKeyPair.generate()
        let bob = try XKeyPair.generate()
        let message = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let sealed = try alice.seal(message, to: bob.publicKey)
        #expect(sealed.count == message.count + 4 + 24 + 16)
        #expect(Array(sealed.prefix(4)) == Array("xkv1".utf8))
        #expect(try bob.open(sealed, from: alice.publicKey) == message)
    }

    @Test func sealUsesFreshNonces() throws {
        let alice = try XKeyPair.generate()
        let bob = try XKeyPair.generate()
        let first = try alice.seal(Array("same".utf8), to: bob.publicKey)
        let second = try alice.seal(Array("same".utf8), to: bob.publicKey)
        #expect(first != second)
        #expect(first[4..<28] != second[4..<28])
    }

    @Test func sharedBoxIsWireCompatibleBothWays() throws {
        let service = try XKeyPair.generate()
        let server = try XKeyPair.generate()
        let serviceBox = try service.sharedBox(with: server.publicKey)
        let serverBox = try server.sharedBox(with: service.publicKey)
        #expect(serviceBox.peerPublicKey == server.publicKey)
        let request = Array(#"{"nats":{"type":"authorization_request"}}"#.utf8)
        // Plain seal → precomputed open, precomputed seal → plain open, and box to box.
        #expect(try serviceBox.open(server.seal(request, to: service.publicKey)) == request)
        #expect(try server.open(serviceBox.seal(request), from: service.publicKey) == request)
        #expect(try serverBox.open(serviceBox.seal(request)) == request)
        #expect(try serverBox.open(serviceBox.seal([UInt8]())) == [])
    }

    @Test func openAcceptsSlicesAndNonContiguousInput() throws {
        let alice = try XKeyPair.generate()
        let bob = try XKeyPair.generate()
        let sealed = try alice.seal(Array("slice".utf8), to: bob.publicKey)
        let framed = [0xAA] + sealed + [0xBB]
        #expect(try bob.open(framed[1..<(framed.count - 1)], from: alice.publicKey) == Array("slice".utf8))
        #expect(try bob.open(sealed.lazy.map { $0 }, from: alice.publicKey) == Array("slice".utf8))
    }
}

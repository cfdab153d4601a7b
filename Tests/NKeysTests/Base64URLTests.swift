import Foundation
import Testing
@testable import NKeys

@Suite struct Base64URLTests {
    @Test func matchesFoundationForEveryLengthAndByte() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }
            let standard = Data(bytes).base64EncodedString()
            let url = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == url)
            #expect(Base64URL.decode(url) == bytes)
            #expect(Base64URL.decodeAny(url) == bytes)
            #expect(Base64URL.decodeAny(standard) == bytes)
        }
    }

    @Test(arguments: ["A", "AB=", "AB+C", "AB/C", "A B", "AB==", "AF"])
    func strictDecodingRefusesForeignText(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func lenientDecodingStillRefusesGarbage() {
        #expect(Base64URL.decodeAny("A") == nil)
        #expect(Base64URL.decodeAny("A*BC") == nil)
        #expect(Base64URL.decodeAny("AB+/") == [0x00, 0x1F, 0xBF])
    }
}

import Foundation
import NATSJWT
import NKeys

// Fresh keys per run: which keys sign and seal does not change the paths explored.
private let keys: (server: KeyPair, serverX: XKeyPair, ours: XKeyPair) = {
    do {
        return (try KeyPair.generate(.server), try XKeyPair.generate(), try XKeyPair.generate())
    } catch {
        fatalError("cannot generate fuzzing keys: \(error)")
    }
}()
private let header = base64URL(Array(#"{"typ":"JWT","alg":"ed25519-nkey"}"#.utf8))
private let placeholder = Array("SERVERKEY".utf8)

/// The callout's first two steps on a request nats-server sealed to our xkey: open the box, then
/// decode and verify the authorization request JWT. The input is the JWT's claims JSON, in which
/// `SERVERKEY` stands for the server's public key; the harness signs it with that key and seals
/// it, so the fuzzer explores the claims decoder and the validation behind a valid signature,
/// where a random token never gets. A leading 0xFF byte instead hands the rest to `open` as a raw
/// box (header, length and MAC checks).
func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data else { return 0 }
    let input = Array(UnsafeBufferPointer(start: start, count: count))
    if input.first == 0xFF {
        _ = try? keys.ours.open(input.dropFirst(), from: keys.serverX.publicKey)
        return 0
    }
    let claims = replacing(placeholder, with: Array(keys.server.publicKey.utf8), in: input)
    let signingInput = Array((header + "." + base64URL(claims)).utf8)
    let token = signingInput + Array(("." + base64URL(keys.server.signature(for: signingInput))).utf8)
    do {
        let sealed = try keys.serverX.seal(token, to: keys.ours.publicKey)
        let opened = try keys.ours.open(sealed, from: keys.serverX.publicKey)
        precondition(opened == token, "an xkey box did not give back what was sealed")
        let request = try JWT.verify(utf8: opened, as: NATSAuthorizationRequest.self,
                                     now: Date(timeIntervalSince1970: 1_800_000_000),
                                     expectedAudience: "nats-authorization-request", allowedIssuerTypes: [.server],
                                     leeway: .seconds(2))
        // What the handler reads next from verified claims.
        _ = request.issuer == request.nats.serverID.id
        _ = request.nats.connectOptions.username
        _ = request.nats.clientInfo.host
        _ = PublicKey.isValid(request.nats.userNKey, types: [.user])
    } catch {
        // Rejected requests are the expected outcome for most inputs.
    }
    return 0
}

private func replacing(_ pattern: [UInt8], with replacement: [UInt8], in bytes: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count + replacement.count)
    var index = 0
    while index < bytes.count {
        if bytes[index] == pattern[0], bytes.count - index >= pattern.count,
           bytes[index..<index + pattern.count].elementsEqual(pattern) {
            result += replacement
            index += pattern.count
        } else {
            result.append(bytes[index])
            index += 1
        }
    }
    return result
}

private func base64URL(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

import Foundation
import NATSJWT
import NKeys

/// ed25519, xkey and JWT throughput: what one callout decision costs in crypto.
///
/// A decision is one xkey open (request), one JWT verify (request), one user JWT encode+sign,
/// one response JWT encode+sign and one xkey seal (response).
/// Usage from `BenchMain`: `report.add(suite: "NKeys / JWT crypto", results: try CryptoBench.run())`.
enum CryptoBench {
    static func run(minimumDuration: Duration = .seconds(1)) throws -> [BenchResult] {
        let account = try KeyPair.generate(.account)
        let user = try KeyPair.generate(.user)
        let nonce = Array("OJQWY3DPEBXGS3LFONZWK4TFMQ".utf8)
        let signature = user.signature(for: nonce)
        let userKey = user.verifyingKey
        let service = try XKeyPair.generate()
        let server = try XKeyPair.generate()
        let serviceBox = try service.sharedBox(with: server.publicKey)
        let payload = [UInt8](repeating: 0x7B, count: 1024)
        let sealedForService = try server.seal(payload, to: service.publicKey)
        let userClaims = UserClaims(
            subject: user.publicKey, name: "alice", audience: "APP", expires: Int64(Date().timeIntervalSince1970) + 3600,
            nats: NATSUser(pub: Permission(allow: ["app.>", "_INBOX.>"]), sub: Permission(allow: ["app.>", "_INBOX.>"])))
        let userJWT = try JWT.encode(userClaims, signedBy: account)
        let now = Date()
        var sink = 0

        var results: [BenchResult] = []
        results.append(BenchResult.rate("ed25519 sign (26 B nonce)", minimumDuration: minimumDuration) {
            sink &+= Int(user.signature(for: nonce)[0])
        })
        results.append(BenchResult.rate("ed25519 verify (26 B nonce)", minimumDuration: minimumDuration) {
            sink &+= userKey.isValidSignature(signature, for: nonce) ? 1 : 0
        })
        results.append(BenchResult.rate("nkey public key decode+validate", minimumDuration: minimumDuration) {
            sink &+= (try? PublicKey(user.publicKey))?.rawRepresentation.count ?? 0
        })
        results.append(try BenchResult.rate("xkey seal 1 KiB", minimumDuration: minimumDuration) {
            sink &+= try service.seal(payload, to: server.publicKey).count
        })
        results.append(try BenchResult.rate("xkey open 1 KiB", minimumDuration: minimumDuration) {
            sink &+= try service.open(sealedForService, from: server.publicKey).count
        })
        results.append(try BenchResult.rate("xkey seal 1 KiB (precomputed box)", minimumDuration: minimumDuration) {
            sink &+= try serviceBox.seal(payload).count
        })
        results.append(try BenchResult.rate("xkey open 1 KiB (precomputed box)", minimumDuration: minimumDuration) {
            sink &+= try serviceBox.open(sealedForService).count
        })
        results.append(try BenchResult.rate("user JWT encode+sign", minimumDuration: minimumDuration) {
            sink &+= try JWT.encode(userClaims, signedBy: account, issuedAt: now).utf8.count
        })
        results.append(try BenchResult.rate("user JWT decode+verify", minimumDuration: minimumDuration) {
            sink &+= try JWT.verify(userJWT, as: NATSUser.self, now: now).subject.utf8.count
        })
        // Keeps the optimiser from discarding the measured work.
        if sink == 42 { print("") }
        return results
    }
}

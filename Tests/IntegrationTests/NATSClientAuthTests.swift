import Foundation
import NATSClient
import NATSTestSupport
import NIOCore
import NKeys
import Testing
import TestSupport

/// Every authentication mode against a real server configured for it.
@Suite("NATSClient authentication against nats-server")
struct NATSClientAuthTests {
    /// Connects, then proves the connection works with a publish/subscribe round trip.
    func roundTrip(_ nats: NATSConnection) async throws {
        let subscription = try await nats.subscribe(to: "auth.check")
        try await nats.publish(ByteBuffer(string: "ok"), to: "auth.check")
        #expect(try await subscription.collect(1).first?.string == "ok")
    }

    func expectAuthenticationFailure(_ server: NATSServerProcess, _ authentication: NATSConfiguration.Authentication) async {
        do {
            let nats = try await NATSTestClient.connect(server) { $0.authentication = authentication }
            await nats.close()
            Issue.record("connect should have been refused")
        } catch let error as NATSClientError {
            #expect(error.code == .authenticationFailed, "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func userAndPassword() async throws {
        let server = try await NATSServerProcess.start(config: """
            authorization { users = [ { user: alice, password: "wonder-land" } ] }
            """)
        let nats = try await NATSTestClient.connect(server) {
            $0.authentication = .userPassword(user: "alice", password: "wonder-land")
        }
        try await roundTrip(nats)
        await nats.close()
        await expectAuthenticationFailure(server, .userPassword(user: "alice", password: "wrong"))
        await expectAuthenticationFailure(server, .none)
        // Credentials in the URL work too.
        let viaURL = try await NATSTestClient.connect(server) {
            $0.servers = ["nats://alice:wonder-land@127.0.0.1:\(server.port)"]
        }
        try await roundTrip(viaURL)
        await viaURL.close()
        try await server.stop()
    }

    @Test func token() async throws {
        let server = try await NATSServerProcess.start(config: "authorization { token: \"s3cr3t-t0ken\" }\n")
        let nats = try await NATSTestClient.connect(server) { $0.authentication = .token("s3cr3t-t0ken") }
        try await roundTrip(nats)
        await nats.close()
        await expectAuthenticationFailure(server, .token("other"))
        try await server.stop()
    }

    @Test func nkeySignsTheServerNonce() async throws {
        let user = try KeyPair.generate(.user)
        let stranger = try KeyPair.generate(.user)
        let server = try await NATSServerProcess.start(config: """
            authorization { users = [ { nkey: \(user.publicKey) } ] }
            """)
        let nats = try await NATSTestClient.connect(server) {
            $0.authentication = .nkey(publicKey: user.publicKey, signNonce: { user.signature(for: $0) })
        }
        try await roundTrip(nats)
        await nats.close()
        // Right public key, wrong signer: the server must refuse.
        await expectAuthenticationFailure(server, .nkey(publicKey: user.publicKey, signNonce: { stranger.signature(for: $0) }))
        try await server.stop()
    }

    @Test func credentialsFileInOperatorMode() async throws {
        let op = try KeyPair.generate(.operator)
        let account = try KeyPair.generate(.account)
        let user = try KeyPair.generate(.user)
        let now = Int(Date().timeIntervalSince1970)
        let operatorJWT = try JWTMinter.sign(issuer: op, claims: [
            "iat": now, "iss": op.publicKey, "sub": op.publicKey, "name": "test-op", "jti": UUID().uuidString,
            "nats": ["type": "operator", "version": 2],
        ])
        let accountJWT = try JWTMinter.sign(issuer: op, claims: [
            "iat": now, "iss": op.publicKey, "sub": account.publicKey, "name": "APP", "jti": UUID().uuidString,
            "nats": ["type": "account", "version": 2, "limits": [
                "subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1, "wildcards": true,
                "conn": -1, "leaf": -1,
            ] as [String: Any]] as [String: Any],
        ])
        let userJWT = try JWTMinter.sign(issuer: account, claims: [
            "iat": now, "iss": account.publicKey, "sub": user.publicKey, "name": "carol", "jti": UUID().uuidString,
            "nats": ["type": "user", "version": 2, "subs": -1, "data": -1, "payload": -1] as [String: Any],
        ])
        let server = try await NATSServerProcess.start(config: """
            operator: \(operatorJWT)
            resolver: MEMORY
            resolver_preload: { \(account.publicKey): \(accountJWT) }
            """)
        let directory = try TestEnvironment.temporaryDirectory("creds")
        defer { try? FileManager.default.removeItem(at: directory) }
        let credsPath = directory.appendingPathComponent("user.creds").path
        try Data("""
            -----BEGIN NATS USER JWT-----
            \(userJWT)
            ------END NATS USER JWT------

            ************************* IMPORTANT *************************
            -----BEGIN USER NKEY SEED-----
            \(user.encodedSeed())
            ------END USER NKEY SEED------
            """.utf8).write(to: URL(fileURLWithPath: credsPath))
        let authentication = try NATSConfiguration.Authentication.credentialsFile(at: credsPath) { seed in
            let keyPair = try KeyPair(seed: seed)
            return { keyPair.signature(for: $0) }
        }
        #expect(!"\(authentication)".contains(user.encodedSeed()))
        let nats = try await NATSTestClient.connect(server) { $0.authentication = authentication }
        try await roundTrip(nats)
        await nats.close()
        let impostor = try KeyPair.generate(.user)
        await expectAuthenticationFailure(server, .credentials(jwt: userJWT, signNonce: { impostor.signature(for: $0) }))
        try await server.stop()
    }
}

/// Just enough JWT minting for an operator-mode test server (NATSJWT is another target's job).
enum JWTMinter {
    static func sign(issuer: KeyPair, claims: [String: Any]) throws -> String {
        let header = base64URL(Data(#"{"typ":"JWT","alg":"ed25519-nkey"}"#.utf8))
        let body = base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signingInput = "\(header).\(body)"
        return "\(signingInput).\(base64URL(Data(issuer.signature(for: Array(signingInput.utf8)))))"
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

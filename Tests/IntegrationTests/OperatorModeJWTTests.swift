import Foundation
import NATSJWT
import NKeys
import Testing
import TestSupport

/// Proof that JWTs minted by NATSJWT are accepted by a real nats-server 2.15 in operator mode
/// (and that a wrongly signed one is refused), with nats-py as the independent client.
@Suite("Operator mode with Swift-minted JWTs")
struct OperatorModeJWTTests {
    /// An operator, a system account and an APP account with a signing key, all minted here.
    struct Trust {
        let operatorKey: KeyPair
        let system: KeyPair
        let app: KeyPair
        let appSigningKey: KeyPair
        let operatorJWT: String
        let systemJWT: String
        let appJWT: String

        init() throws {
            operatorKey = try KeyPair.generate(.operator)
            system = try KeyPair.generate(.account)
            app = try KeyPair.generate(.account)
            appSigningKey = try KeyPair.generate(.account)
            operatorJWT = try JWT.encode(
                OperatorClaims(subject: operatorKey.publicKey, name: "TEST-OP",
                               nats: NATSOperator(systemAccount: system.publicKey)),
                signedBy: operatorKey)
            systemJWT = try JWT.encode(AccountClaims(subject: system.publicKey, name: "SYS", nats: NATSAccount()),
                                       signedBy: operatorKey)
            appJWT = try JWT.encode(
                AccountClaims(subject: app.publicKey, name: "APP",
                              nats: NATSAccount(signingKeys: [.key(appSigningKey.publicKey)])),
                signedBy: operatorKey)
        }

        var serverConfig: String {
            """
            operator: \(operatorJWT)
            system_account: \(system.publicKey)
            resolver: MEMORY
            resolver_preload: {
              \(system.publicKey): \(systemJWT)
              \(app.publicKey): \(appJWT)
            }
            """
        }

        /// A user of APP allowed to publish and subscribe on `app.>` only.
        func userJWT(for user: KeyPair, signedBy signer: KeyPair, issuerAccount: String? = nil,
                     expires: Int64? = nil) throws -> String {
            let nats = NATSUser(pub: Permission(allow: ["app.>", "_INBOX.>"]), sub: Permission(allow: ["app.>", "_INBOX.>"]),
                                issuerAccount: issuerAccount)
            return try JWT.encode(UserClaims(subject: user.publicKey, name: "swift-user", expires: expires, nats: nats),
                                  signedBy: signer)
        }
    }

    /// Connects with a creds file, round-trips a message on `app.test`, tries a forbidden
    /// publish, and prints what happened as JSON.
    static let client = #"""
    import asyncio, json, sys, nats

    async def main():
        url, creds = sys.argv[1], sys.argv[2]
        errors = []
        async def on_error(e):
            errors.append(str(e))
        try:
            nc = await nats.connect(url, user_credentials=creds, allow_reconnect=False, connect_timeout=5,
                                    max_reconnect_attempts=0, error_cb=on_error)
        except Exception as e:
            print(json.dumps({"connected": False, "error": f"{type(e).__name__}: {e}", "errors": errors}))
            return
        sub = await nc.subscribe("app.test")
        await nc.publish("app.test", b"hello operator mode")
        msg = await sub.next_msg(timeout=5)
        await nc.publish("forbidden.subject", b"x")
        await nc.flush()
        for _ in range(500):  # up to 5 s for the async -ERR
            if any("permissions violation" in e.lower() for e in errors):
                break
            await asyncio.sleep(0.01)
        await nc.close()
        print(json.dumps({"connected": True, "received": msg.data.decode(), "errors": errors}))

    asyncio.run(main())
    """#

    struct ClientReport: Decodable {
        var connected: Bool
        var received: String?
        var error: String?
        var errors: [String]

        /// The server refused the connect (nats-py reports it in the exception or the error callback).
        var isAuthorizationViolation: Bool {
            ([error ?? ""] + errors).contains { $0.lowercased().contains("authorization violation") }
        }
    }

    func connect(_ server: NATSServerProcess, jwt: String, user: KeyPair, in directory: URL) async throws -> ClientReport {
        let creds = directory.appendingPathComponent("\(user.publicKey.prefix(8)).creds")
        try Data(UserCredentials(jwt: jwt, user: user).fileContents().utf8).write(to: creds)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: creds.path)
        let run = try await runPython(Self.client, arguments: [server.url, creds.path])
        try #require(run.status == 0, "nats-py client failed: \(run.stderr.suffix(600))")
        return try JSONDecoder().decode(ClientReport.self, from: Data(run.stdout.utf8))
    }

    @Test func serverAcceptsSwiftJWTsAndRefusesForgedOnes() async throws {
        let trust = try Trust()
        let server = try await NATSServerProcess.start(config: trust.serverConfig, label: "operator-mode")
        let directory = try TestEnvironment.temporaryDirectory("operator-creds")
        defer {
            try? FileManager.default.removeItem(at: directory)
        }
        do {
            // Issued by the account key itself.
            let alice = try KeyPair.generate(.user)
            let direct = try await connect(server, jwt: try trust.userJWT(for: alice, signedBy: trust.app),
                                           user: alice, in: directory)
            #expect(direct.connected, "\(direct.error ?? "") \(server.log.suffix(800))")
            #expect(direct.received == "hello operator mode")
            // The permissions in our JWT are enforced by the server.
            #expect(direct.errors.contains { $0.lowercased().contains("permissions violation") }, "\(direct.errors)")

            // Issued by the account's signing key, naming the account in issuer_account.
            let bob = try KeyPair.generate(.user)
            let delegated = try await connect(
                server, jwt: try trust.userJWT(for: bob, signedBy: trust.appSigningKey,
                                               issuerAccount: trust.app.publicKey),
                user: bob, in: directory)
            #expect(delegated.connected, "\(delegated.error ?? "") \(server.log.suffix(800))")
            #expect(delegated.received == "hello operator mode")

            // Claims iss = APP, but signed by a key that is not APP's.
            let mallory = try KeyPair.generate(.user)
            let impostor = try KeyPair.generate(.account)
            let genuine = try trust.userJWT(for: mallory, signedBy: trust.app)
            let parts = genuine.split(separator: ".")
            let forgedSignature = Data(impostor.signature(for: Array("\(parts[0]).\(parts[1])".utf8)))
                .base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            let forged = "\(parts[0]).\(parts[1]).\(forgedSignature)"
            #expect(throws: JWTError.self) { try JWT.verify(forged, as: NATSUser.self, now: Date()) }
            let refused = try await connect(server, jwt: forged, user: mallory, in: directory)
            #expect(!refused.connected)
            #expect(refused.isAuthorizationViolation, "\(refused)")

            // A signing key the account does not list is refused too.
            let stranger = try KeyPair.generate(.account)
            let unlisted = try await connect(
                server, jwt: try trust.userJWT(for: mallory, signedBy: stranger, issuerAccount: trust.app.publicKey),
                user: mallory, in: directory)
            #expect(!unlisted.connected)
            #expect(unlisted.isAuthorizationViolation, "\(unlisted)")

            // An expired user JWT is refused.
            let expired = try await connect(
                server, jwt: try trust.userJWT(for: mallory, signedBy: trust.app,
                                               expires: Int64(Date().timeIntervalSince1970) - 60),
                user: mallory, in: directory)
            #expect(!expired.connected)
            #expect(expired.isAuthorizationViolation, "\(expired)")
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test func credsFileRoundTrips() throws {
        let user = try KeyPair.generate(.user)
        let creds = UserCredentials(jwt: "eyJ0eXAiOiJKV1QifQ.e30.sig", user: user)
        let parsed = try UserCredentials(parsing: creds.fileContents())
        #expect(parsed.jwt == creds.jwt)
        #expect(parsed.user.publicKey == user.publicKey)
        #expect(throws: JWTError.self) { try UserCredentials(parsing: "no blocks here") }
    }
}

import AuthCallout
import Foundation
import NATSClient
import NATSJWT
import NKeys
import Testing
import TestSupport

/// The callout in operator (JWT) mode: the AUTH account JWT carries the `authorization`
/// section, the service logs in with AUTH creds, clients without a JWT get the default sentinel,
/// and user JWTs are issued by APP's signing key with `issuer_account`.
@Suite("Auth callout in operator mode", .serialized, .timeLimit(.minutes(5)))
struct CalloutOperatorModeTests {
    @Test func allowsDeniesAndEnforcesPermissions() async throws {
        let operatorKey = try KeyPair.generate(.operator)
        let system = try KeyPair.generate(.account)
        let auth = try KeyPair.generate(.account)
        let app = try KeyPair.generate(.account)
        let appSigningKey = try KeyPair.generate(.account)
        let serviceUser = try KeyPair.generate(.user)
        let sentinelUser = try KeyPair.generate(.user)

        func accountJWT(_ key: KeyPair, _ name: String, _ nats: NATSAccount) throws -> String {
            try JWT.encode(AccountClaims(subject: key.publicKey, name: name, nats: nats), signedBy: operatorKey)
        }
        let operatorJWT = try JWT.encode(OperatorClaims(subject: operatorKey.publicKey, name: "OP",
                                                        nats: NATSOperator(systemAccount: system.publicKey)), signedBy: operatorKey)
        let systemJWT = try accountJWT(system, "SYS", NATSAccount())
        let authJWT = try accountJWT(auth, "AUTH", NATSAccount(authorization: ExternalAuthorization(
            authUsers: [serviceUser.publicKey], allowedAccounts: [app.publicKey])))
        let appJWT = try accountJWT(app, "APP", NATSAccount(signingKeys: [.key(appSigningKey.publicKey)]))
        let serviceJWT = try JWT.encode(UserClaims(subject: serviceUser.publicKey, name: "scim-callout", nats: NATSUser()), signedBy: auth)
        // Clients that present no JWT (user/password, token, nkey) are sent through AUTH's callout.
        let sentinel = try JWT.encode(UserClaims(subject: sentinelUser.publicKey, name: "sentinel", nats: NATSUser(
            pub: Permission(deny: [">"]), sub: Permission(deny: [">"]), bearerToken: true)), signedBy: auth)

        let server = try await NATSServerProcess.start(config: """
            operator: \(operatorJWT)
            system_account: \(system.publicKey)
            resolver: MEMORY
            resolver_preload: {
              \(system.publicKey): \(systemJWT)
              \(auth.publicKey): \(authJWT)
              \(app.publicKey): \(appJWT)
            }
            default_sentinel: \(sentinel)
            """, label: "operator-callout")

        let directory = try makeDirectory()
        try await directory.addUser("olga", password: "olga-pw", groups: ["developers"])
        let policy = PolicyStore(policy: try PolicyParser.parse(CalloutEndToEndTests.policyYAML), logger: RunningCallout.logger)
        let keys = CalloutKeys(mode: .operator(
            callout: try AccountSigner(accountKey: auth),
            accounts: ["APP": try AccountSigner(account: app.publicKey, signer: appSigningKey)]))
        let callout = try await RunningCallout.start(
            url: server.url, authentication: .credentials(jwt: serviceJWT, signNonce: { serviceUser.signature(for: $0) }),
            keys: keys, authorizer: Authorizer(identities: directory, policy: policy))
        do {
            let allowed = try await PythonClient.run(server.url, ["user": "olga", "password": "olga-pw",
                                                                  "roundtrip": ["app.olga.x"], "publish": ["ops.x"], "expect_errors": 1])
            #expect(allowed.connected && allowed.received == ["app.olga.x"], "\(allowed.error ?? "") \(server.log.suffix(600))")
            #expect(allowed.errors?.contains { $0.lowercased().contains("permissions violation") } == true)
            let record = try await callout.record("olga allowed") { $0.userName == "olga" && $0.result == .allow }
            #expect(record.account == "APP")

            let denied = try await PythonClient.run(server.url, ["user": "olga", "password": "wrong"])
            #expect(!denied.connected)
            #expect(try await callout.record("olga denied") { $0.result == .deny }.reason == .wrongSecret)
        } catch {
            await callout.stop()
            try? await server.stop()
            throw error
        }
        await callout.stop()
        try await server.stop()
    }
}

import AuthCallout
import Foundation
import NATSClient
import NATSJWT
import NKeys
import Testing
import TestSupport

/// An operator-mode nats-server (operator, SYS, AUTH with the callout settings, APP with a
/// signing key, a default sentinel) and the keys the service and the revoker use with it.
struct OperatorModeServer {
    let server: NATSServerProcess
    let app: KeyPair
    let keys: CalloutKeys
    /// The callout service's login (AUTH creds).
    let service: NATSConfiguration.Authentication
    /// A system-account user's login (creds), for CONNZ and KICK.
    let system: NATSConfiguration.Authentication

    static func start(label: String) async throws -> OperatorModeServer {
        let operatorKey = try KeyPair.generate(.operator)
        let system = try KeyPair.generate(.account)
        let auth = try KeyPair.generate(.account)
        let app = try KeyPair.generate(.account)
        let appSigningKey = try KeyPair.generate(.account)
        let serviceUser = try KeyPair.generate(.user)
        let systemUser = try KeyPair.generate(.user)
        let sentinelUser = try KeyPair.generate(.user)

        func accountJWT(_ key: KeyPair, _ name: String, _ nats: NATSAccount) throws -> String {
            try JWT.encode(AccountClaims(subject: key.publicKey, name: name, nats: nats), signedBy: operatorKey)
        }
        let operatorJWT = try JWT.encode(OperatorClaims(subject: operatorKey.publicKey, name: "OP",
                                                        nats: NATSOperator(systemAccount: system.publicKey)), signedBy: operatorKey)
        let authJWT = try accountJWT(auth, "AUTH", NATSAccount(authorization: ExternalAuthorization(
            authUsers: [serviceUser.publicKey], allowedAccounts: [app.publicKey])))
        let serviceJWT = try JWT.encode(UserClaims(subject: serviceUser.publicKey, name: "scim-callout", nats: NATSUser()), signedBy: auth)
        let systemUserJWT = try JWT.encode(UserClaims(subject: systemUser.publicKey, name: "revoker", nats: NATSUser()), signedBy: system)
        // Clients that present no JWT (user/password, token, nkey) are sent through AUTH's callout.
        let sentinel = try JWT.encode(UserClaims(subject: sentinelUser.publicKey, name: "sentinel", nats: NATSUser(
            pub: Permission(deny: [">"]), sub: Permission(deny: [">"]), bearerToken: true)), signedBy: auth)
        let server = try await NATSServerProcess.start(config: """
            operator: \(operatorJWT)
            system_account: \(system.publicKey)
            resolver: MEMORY
            resolver_preload: {
              \(system.publicKey): \(try accountJWT(system, "SYS", NATSAccount()))
              \(auth.publicKey): \(authJWT)
              \(app.publicKey): \(try accountJWT(app, "APP", NATSAccount(signingKeys: [.key(appSigningKey.publicKey)])))
            }
            default_sentinel: \(sentinel)
            """, label: label)
        let keys = CalloutKeys(mode: .operator(
            callout: try AccountSigner(accountKey: auth),
            accounts: ["APP": try AccountSigner(account: app.publicKey, signer: appSigningKey)]))
        return OperatorModeServer(
            server: server, app: app, keys: keys,
            service: .credentials(jwt: serviceJWT, signNonce: { serviceUser.signature(for: $0) }),
            system: .credentials(jwt: systemUserJWT, signNonce: { systemUser.signature(for: $0) }))
    }
}

/// The callout in operator (JWT) mode: the AUTH account JWT carries the `authorization`
/// section, the service logs in with AUTH creds, clients without a JWT get the default sentinel,
/// and user JWTs are issued by APP's signing key with `issuer_account`.
@Suite("Auth callout in operator mode", .serialized, .timeLimit(.minutes(5)))
struct CalloutOperatorModeTests {
    @Test func aGrantIntoAnAccountOutsideTheAllowListIsDenied() async throws {
        let fixture = try await OperatorModeServer.start(label: "operator-allow-list")
        let server = fixture.server
        let directory = try makeDirectory()
        try await directory.addUser("olga", password: "olga-pw", groups: ["developers"])
        let policy = try PolicyStore.parsing(CalloutEndToEndTests.policyYAML)
        // The policy places developers in APP; only OPS is allowed.
        let callout = try await RunningCallout.start(url: server.url, authentication: fixture.service, keys: fixture.keys,
                                                     authorizer: Authorizer(identities: directory, policy: policy),
                                                     allowedAccounts: ["OPS"])
        do {
            let refused = try await PythonClient.run(server.url, ["user": "olga", "password": "olga-pw"])
            #expect(!refused.connected)
            #expect(refused.error?.contains("Authorization Violation") == true, "\(refused.error ?? "")")
            let record = try await callout.record("olga refused") { $0.userName == "olga" }
            #expect(record.result == .deny && record.reason == .accountNotAllowed, "\(record.reason)")
            #expect(server.log.contains("account_not_allowed"))
        } catch {
            await callout.stop()
            try? await server.stop()
            throw error
        }
        await callout.stop()

        // The same policy with APP on the list: allowed.
        let allowing = try await RunningCallout.start(url: server.url, authentication: fixture.service, keys: fixture.keys,
                                                      authorizer: Authorizer(identities: directory, policy: policy),
                                                      allowedAccounts: ["APP", "OPS"])
        let allowed = try? await PythonClient.run(server.url, ["user": "olga", "password": "olga-pw"])
        await allowing.stop()
        try? await server.stop()
        #expect(allowed?.connected == true, "\(allowed?.error ?? "")")
    }

    @Test func allowsDeniesAndEnforcesPermissions() async throws {
        let fixture = try await OperatorModeServer.start(label: "operator-callout")
        let server = fixture.server
        let directory = try makeDirectory()
        try await directory.addUser("olga", password: "olga-pw", groups: ["developers"])
        let policy = try PolicyStore.parsing(CalloutEndToEndTests.policyYAML)
        let callout = try await RunningCallout.start(url: server.url, authentication: fixture.service, keys: fixture.keys,
                                                     authorizer: Authorizer(identities: directory, policy: policy))
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

    /// A session allowed by one replica is cut by another replica's revoker, which never saw the
    /// decision: it finds the connection with CONNZ, where operator-mode servers name the account
    /// by its public key, not by the policy's account name.
    @Test func deactivationCutsALiveSessionFoundThroughCONNZ() async throws {
        let fixture = try await OperatorModeServer.start(label: "operator-cut")
        let server = fixture.server
        let directory = try makeDirectory()
        let olgaID = try await directory.addUser("olga", password: "olga-pw", groups: ["developers"])
        let policy = try PolicyStore.parsing(CalloutEndToEndTests.policyYAML)
        let keys = fixture.keys
        #expect(keys.accountKeys == ["APP": fixture.app.publicKey])
        let authentication = fixture.service
        // Replica A decides the connect and has no revoker.
        let deciding = try await RunningCallout.start(url: server.url, authentication: authentication, keys: keys,
                                                      authorizer: Authorizer(identities: directory, policy: policy))
        var cutting: RunningCallout?
        var live: NATSConnection?
        do {
            live = try await NATSConnection.connect(
                NATSConfiguration(servers: [server.url], name: "live-session",
                                  authentication: .userPassword(user: "olga", password: "olga-pw"), reconnect: .disabled),
                logger: RunningCallout.logger)
            _ = try await deciding.record("olga allowed by replica A") { $0.userName == "olga" && $0.result == .allow }

            // Replica B starts afterwards: its registry never saw olga's session.
            let revoking = try await RunningCallout.start(
                url: server.url, authentication: authentication, keys: keys, authorizer: Authorizer(identities: directory, policy: policy),
                revoker: { running, registry, log in
                    let systemConnection = try await NATSConnection.connect(
                        NATSConfiguration(servers: [server.url], authentication: fixture.system),
                        logger: RunningCallout.logger)
                    running.extraConnections.append(systemConnection)
                    return SessionRevoker(identities: directory, feed: directory, registry: registry,
                                          control: ServerControl(connection: systemConnection), policy: policy, decisionLog: log,
                                          accountKeys: keys.accountKeys, interval: .milliseconds(50), logger: RunningCallout.logger)
                })
            cutting = revoking
            #expect(revoking.registry.user(olgaID) == nil)

            try await directory.setActive("olga", false)
            let session = try #require(live)
            try await pollUntil("olga's session to be cut", timeout: .seconds(10)) { session.isClosed }
            let revoke = try await revoking.record("revocation by replica B") { $0.result == .revoke }
            #expect(revoke.reason == .sessionsCut && revoke.sessionsCut == 1 && revoke.userName == "olga")
        } catch {
            await live?.close()
            await cutting?.stop()
            await deciding.stop()
            try? await server.stop()
            throw error
        }
        await live?.close()
        await cutting?.stop()
        await deciding.stop()
        try await server.stop()
    }
}

import AuthCallout
import Foundation
import IdentityStore
import Logging
import NATSJWT
import NKeys
import OIDC
import TestSupport

/// CPU per decision for each kind of credential, in one run on one store: a password (in the
/// credential cache), an nkey (nonce signature), and IdP token logins signed RS256 and ES256
/// (keys from a real discovery + JWKS server on loopback, fetched once, then verified in
/// process). Each is the full in-process handler: verify the request JWT, check the credential,
/// read the user, evaluate the policy, sign the user and response JWTs.
///
/// `scim-callout-bench credentials`; `CREDENTIAL_BENCH_DECISIONS` (per credential, default 5,000).
enum CredentialBench {
    static let users = 500
    static let note = """
        In-process `AuthorizationHandler.handle`, one decision at a time, on one file-backed store of 500 users
        (each with a password, an nkey and membership of `developers`), after a warm-up that puts every user
        through once. Process CPU (getrusage) per decision for each credential, in the same run:
        a password found in the credential cache (no argon2id), an nkey (ed25519 nonce signature), and IdP token
        logins (OIDC) whose JWT is signed RS256 (2048-bit) or ES256 (P-256), verified with jwt-kit against keys
        fetched once from a discovery + JWKS server on loopback. Every row includes verifying the request JWT,
        the store read, the policy and signing the user and response JWTs.
        """
    static let audience = "api://nats-bench"

    static func run() async throws -> [BenchResult] {
        let decisions = Int(ProcessInfo.processInfo.environment["CREDENTIAL_BENCH_DECISIONS"] ?? "") ?? 5_000
        let logger = CalloutBench.logger
        let directory = try TestEnvironment.temporaryDirectory("credential-bench")
        defer { try? FileManager.default.removeItem(at: directory) }

        // The store: users with a password, an nkey each, all in `developers`.
        let database = try IdentityDatabase.inMemory(logger: logger)
        let hash = try PasswordHasher.testing.hashSync("bench-password")
        var nkeys: [KeyPair] = []
        var members: [MemberInput] = []
        for index in 0 ..< users {
            let key = try KeyPair.generate(.user)
            nkeys.append(key)
            let name = "user\(index)"
            let user = try await database.createUser(
                UserInput(userName: name, nkeys: [key.publicKey],
                          resource: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(name)"}"#),
                passwordHash: hash)
            members.append(MemberInput(value: user.id, type: "User"))
        }
        let group = try await database.createGroup(GroupInput(
            displayName: "developers", resource: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"developers"}"#))
        let added = members
        _ = try await database.updateGroup(id: group.id) { group in
            GroupUpdate(input: GroupInput(displayName: group.displayName, resource: group.resource), members: .delta(add: added, remove: []))
        }
        let path = directory.appendingPathComponent("store.sqlite").path
        try database.backup(toPath: path)
        let store = try IdentityDatabase.open(path: path, logger: logger)

        // The IdP: one RS256 and one ES256 key, served over loopback HTTP and fetched once.
        let idp = try await TestOIDCIssuer.start()
        defer { Task { await idp.stop() } }
        try await idp.addKey(.rs256, kid: "rsa")
        try await idp.addKey(.es256, kid: "ec")
        let keyStore = OIDCKeyStore(issuers: [OIDCIssuer(issuer: idp.issuer, audiences: [audience], algorithms: [.rs256, .es256],
                                                         mapping: ClaimMapping(claim: "preferred_username", attribute: .userName))],
                                    logger: logger)
        guard await keyStore.refreshAll() else { throw BenchError("the test IdP's keys could not be fetched") }
        var tokens: [String: [String]] = [:]
        for kid in ["rsa", "ec"] {
            var signed: [String] = []
            for index in 0 ..< users {
                signed.append(try await idp.token(TestOIDCIssuer.claims(audience: audience, subject: "sub-\(index)", lifetime: 3600,
                                                                        ["preferred_username": .string("user\(index)")]), kid: kid))
            }
            tokens[kid] = signed
        }

        let passwordChecks = PasswordCheckPool()
        defer { Task { try? await passwordChecks.shutdown() } }
        let authorizer = Authorizer(identities: store, policy: try CalloutBench.policy(), passwordChecks: passwordChecks,
                                    tokens: keyStore)
        let issuer = try KeyPair.generate(.account)
        let serverKey = try KeyPair.generate(.server)
        let handler = AuthorizationHandler(keys: CalloutKeys(mode: .config(issuer: issuer), xkey: nil), authorizer: authorizer)

        /// Requests for `count` connects, each distinct (replays are refused), as nats-server makes them.
        func requests(_ count: Int, _ credentials: (Int, String) throws -> ConnectOptions) throws -> [[UInt8]] {
            let issued = Date()
            return try (0 ..< count).map { index in
                let nonce = "nonce-\(index)-\(UUID().uuidString)"
                let claims = AuthorizationRequestClaims(
                    subject: issuer.publicKey, audience: "nats-authorization-request",
                    expires: Int64(issued.timeIntervalSince1970) + 60,
                    nats: NATSAuthorizationRequest(
                        serverID: ServerID(name: "bench", host: "127.0.0.1", id: serverKey.publicKey),
                        userNKey: try KeyPair.generate(.user).publicKey,
                        clientInfo: ClientInformation(host: "127.0.0.1", id: UInt64(index), kind: "Client", type: "nats", nonce: nonce),
                        connectOptions: try credentials(index % users, nonce)))
                return Array(try JWT.encode(claims, signedBy: serverKey, issuedAt: issued).utf8)
            }
        }
        let kinds: [(String, (Int, String) throws -> ConnectOptions)] = [
            ("password (credential cache)", { index, _ in ConnectOptions(username: "user\(index)", password: "bench-password", lang: "bench") }),
            ("nkey", { index, nonce in
                let signature = Data(nkeys[index].signature(for: Array(nonce.utf8))).base64EncodedString()
                return ConnectOptions(nkey: nkeys[index].publicKey, signedNonce: signature, lang: "bench")
            }),
            ("IdP token RS256", { index, _ in ConnectOptions(authToken: tokens["rsa"]?[index], lang: "bench") }),
            ("IdP token ES256", { index, _ in ConnectOptions(authToken: tokens["ec"]?[index], lang: "bench") }),
        ]
        var results: [BenchResult] = []
        for (name, credentials) in kinds {
            // Warm-up: every user once (fills the credential cache and the lookup cache).
            for request in try requests(users, credentials) {
                let outcome = await handler.handle(payload: request, serverXKey: nil)
                guard outcome.record.result == .allow else { throw BenchError("\(name) warm-up denied: \(outcome.record.reason)") }
            }
            let batch = try requests(decisions, credentials)
            let before = CalloutBench.processCPUSeconds()
            for request in batch {
                let outcome = await handler.handle(payload: request, serverXKey: nil)
                guard outcome.record.result == .allow else { throw BenchError("\(name) denied: \(outcome.record.reason)") }
            }
            let cpu = CalloutBench.processCPUSeconds() - before
            results.append(BenchResult(name: "in-process, \(name): CPU per decision (\(decisions) decisions)",
                                       value: cpu / Double(decisions) * 1e6, unit: "µs"))
        }
        return results
    }
}

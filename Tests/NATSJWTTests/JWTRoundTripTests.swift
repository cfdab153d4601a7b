import Foundation
import Testing
@testable import NATSJWT
import NKeys

@Suite struct JWTRoundTripTests {
    let account: KeyPair
    let user: KeyPair
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        account = try KeyPair.generate(.account)
        user = try KeyPair.generate(.user)
    }

    func claimsJSON(_ token: String) throws -> [String: Any] {
        let segment = try #require(token.split(separator: ".").dropFirst().first)
        let bytes = try #require(Base64URL.decode(segment))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func userClaimsRoundTripWithEveryField() throws {
        var nats = NATSUser(
            pub: Permission(allow: ["app.>", "_INBOX.>"], deny: ["app.admin.>"]),
            sub: Permission(allow: ["app.>"], deny: []),
            resp: ResponsePermission(maxMessages: 1, expires: .seconds(2)),
            subs: 100, data: -1, payload: 1_048_576,
            src: ["10.0.0.0/8", "127.0.0.1/32"],
            times: [TimeRange(start: "08:00:00", end: "18:00:00")],
            timesLocation: "Europe/Berlin",
            bearerToken: true,
            allowedConnectionTypes: ["STANDARD", "WEBSOCKET"],
            issuerAccount: "ABJHLOVMPA4CI6R5KLNGOB4GSLNIY7IOUPAJC4YFNDLQVIOBYQGUWVLA",
            tags: ["team:ops"])
        nats.version = 2
        let claims = UserClaims(subject: user.publicKey, name: "alice", audience: "APP",
                                expires: 1_800_000_600, notBefore: 1_799_999_000, nats: nats)
        let token = try JWT.encode(claims, signedBy: account, issuedAt: now)

        let decoded = try JWT.verify(token, as: NATSUser.self, now: now, expectedAudience: "APP")
        #expect(decoded.nats == claims.nats)
        #expect(decoded.subject == user.publicKey)
        #expect(decoded.issuer == account.publicKey)
        #expect(decoded.issuedAt == 1_800_000_000)
        #expect(decoded.name == "alice")
        #expect(decoded.id == decoded.computedID())
        #expect(decoded.id?.count == 52)

        let json = try claimsJSON(token)
        let natsJSON = try #require(json["nats"] as? [String: Any])
        let resp = try #require(natsJSON["resp"] as? [String: Any])
        #expect(resp["ttl"] as? Int == 2_000_000_000)
        #expect(natsJSON["type"] as? String == "user")
        #expect(natsJSON["version"] as? Int == 2)
        #expect(natsJSON["times_location"] as? String == "Europe/Berlin")
        #expect(natsJSON["bearer_token"] as? Bool == true)
        #expect(natsJSON["allowed_connection_types"] as? [String] == ["STANDARD", "WEBSOCKET"])
    }

    @Test func unlimitedLimitsAreAlwaysWritten() throws {
        let token = try JWT.encode(UserClaims(subject: user.publicKey, nats: NATSUser()), signedBy: account)
        let nats = try #require(try claimsJSON(token)["nats"] as? [String: Any])
        #expect(nats["subs"] as? Int == -1)
        #expect(nats["data"] as? Int == -1)
        #expect(nats["payload"] as? Int == -1)
        #expect(nats["pub"] as? [String: Any] != nil)
        #expect(nats["bearer_token"] == nil)
    }

    @Test func tokenHasTheNatsHeader() throws {
        let token = try JWT.encode(UserClaims(subject: user.publicKey, nats: NATSUser()), signedBy: account)
        let first = try #require(token.split(separator: ".").first)
        let header = try #require(Base64URL.decode(first))
        #expect(String(decoding: header, as: UTF8.self) == #"{"typ":"JWT","alg":"ed25519-nkey"}"#)
        #expect(!token.contains("="))
    }

    @Test func everyClaimTypeRoundTrips() throws {
        let op = try KeyPair.generate(.operator)
        let server = try KeyPair.generate(.server)
        let xkey = try XKeyPair.generate()

        let operatorClaims = OperatorClaims(subject: op.publicKey, name: "OP",
                                            nats: NATSOperator(signingKeys: [try KeyPair.generate(.operator).publicKey],
                                                               systemAccount: account.publicKey))
        let opToken = try JWT.encode(operatorClaims, signedBy: op)
        #expect(try JWT.verify(opToken, as: NATSOperator.self, now: Date()).nats == operatorClaims.nats)

        let accountClaims = AccountClaims(
            subject: account.publicKey, name: "APP",
            nats: NATSAccount(signingKeys: [.key(try KeyPair.generate(.account).publicKey)],
                              authorization: ExternalAuthorization(authUsers: [user.publicKey],
                                                                   allowedAccounts: ["*"], xkey: xkey.publicKey)))
        let accountToken = try JWT.encode(accountClaims, signedBy: op)
        let decodedAccount = try JWT.verify(accountToken, as: NATSAccount.self, now: Date())
        #expect(decodedAccount.nats == accountClaims.nats)
        #expect(decodedAccount.nats.limits.connections == -1)

        let request = AuthorizationRequestClaims(
            subject: account.publicKey, audience: "nats-authorization-request",
            nats: NATSAuthorizationRequest(
                serverID: ServerID(name: "n1", host: "127.0.0.1", id: server.publicKey, version: "2.15.1",
                                   xkey: xkey.publicKey),
                userNKey: user.publicKey,
                clientInfo: ClientInformation(host: "127.0.0.1", id: 8, user: "alice", kind: "Client", type: "nats"),
                connectOptions: ConnectOptions(username: "alice", password: "s3cret", lang: "python3", protocol: 1),
                clientTLS: ClientTLS(version: "1.3", certs: ["PEM"], verifiedChains: [["PEM", "CA"]])))
        let requestToken = try JWT.encode(request, signedBy: server)
        let decodedRequest = try JWT.verify(requestToken, as: NATSAuthorizationRequest.self, now: Date(),
                                            expectedAudience: "nats-authorization-request")
        #expect(decodedRequest.nats == request.nats)

        let response = AuthorizationResponseClaims(subject: user.publicKey, audience: server.publicKey,
                                                   nats: NATSAuthorizationResponse(jwt: accountToken))
        let responseToken = try JWT.encode(response, signedBy: account)
        #expect(try JWT.verify(responseToken, as: NATSAuthorizationResponse.self, now: Date(),
                               expectedAudience: server.publicKey).nats.jwt == accountToken)
    }

    @Test func decodesTheRequestNatsServerSends() throws {
        // Shape of a real 2.15.1 request (auth-callout.md), signed here by a server key.
        let server = try KeyPair.generate(.server)
        let json = """
        {"aud":"nats-authorization-request","exp":1800000002,"iat":1800000000,"iss":"\(server.publicKey)",\
        "jti":"X","sub":"\(account.publicKey)","nats":{"server_id":{"name":"\(server.publicKey)",\
        "host":"127.0.0.1","id":"\(server.publicKey)","version":"2.15.1"},"user_nkey":"\(user.publicKey)",\
        "client_info":{"host":"127.0.0.1","id":8,"user":"alice","kind":"Client","type":"nats"},\
        "connect_opts":{"user":"alice","pass":"pw","lang":"python3","version":"2.16.0","protocol":1},\
        "type":"authorization_request","version":2}}
        """
        let token = JWTTestSupport.sign(claimsJSON: json, with: server)
        let claims = try JWT.verify(token, as: NATSAuthorizationRequest.self, now: now,
                                    expectedAudience: "nats-authorization-request")
        #expect(claims.nats.serverID.id == server.publicKey)
        #expect(claims.nats.userNKey == user.publicKey)
        #expect(claims.nats.clientInfo.id == 8)
        #expect(claims.nats.connectOptions.username == "alice")
        #expect(claims.nats.connectOptions.password == "pw")
        #expect(claims.nats.connectOptions.protocol == 1)
        // Credentials never show in descriptions.
        #expect(!"\(claims.nats.connectOptions)".contains("pw\""))
        #expect(!String(describing: claims.nats.connectOptions).contains(": pw"))
        #expect(!String(reflecting: claims.nats).contains("\"pw\""))
        #expect(String(describing: claims.nats.connectOptions).contains("<redacted>"))
    }

    @Test func unknownFieldsSurviveDecodeAndEncode() throws {
        let json = """
        {"sub":"\(user.publicKey)","iss":"\(account.publicKey)","iat":1,"custom_top":{"a":[1,2.5,"x",null,true]},\
        "nats":{"pub":{},"sub":{},"subs":-1,"data":-1,"payload":-1,"type":"user","version":2,\
        "future_field":"kept","future_obj":{"n":9007199254740993}}}
        """
        let token = JWTTestSupport.sign(claimsJSON: json, with: account)
        let claims = try JWT.decode(token, as: NATSUser.self)
        #expect(claims.unknownFields["custom_top"] == .object(["a": .array([.integer(1), .decimal(2.5), .string("x"), .null, .bool(true)])]))
        #expect(claims.nats.unknownFields["future_field"] == .string("kept"))
        #expect(claims.nats.unknownFields["future_obj"] == .object(["n": .integer(9_007_199_254_740_993)]))

        let reencoded = try JWT.encode(claims, signedBy: account)
        let again = try JWT.verify(reencoded, as: NATSUser.self, now: Date())
        #expect(again.unknownFields == claims.unknownFields)
        #expect(again.nats.unknownFields == claims.nats.unknownFields)
        let raw = try claimsJSON(reencoded)
        #expect((raw["nats"] as? [String: Any])?["future_field"] as? String == "kept")
    }

    @Test func accountUnknownSectionsSurvive() throws {
        let op = try KeyPair.generate(.operator)
        let json = """
        {"sub":"\(account.publicKey)","iss":"\(op.publicKey)","nats":{"limits":{"subs":-1,"conn":5,\
        "tiered_limits":{"R1":{"mem_storage":1}}},"exports":[{"name":"s","subject":"svc.>","type":"service"}],\
        "signing_keys":["\(account.publicKey)",{"kind":"user_scope","key":"AX","role":"r","template":{}}],\
        "type":"account","version":2}}
        """
        let claims = try JWT.decode(JWTTestSupport.sign(claimsJSON: json, with: op), as: NATSAccount.self)
        #expect(claims.nats.limits.connections == 5)
        #expect(claims.nats.limits.data == 0)
        #expect(claims.nats.limits.unknownFields["tiered_limits"] != nil)
        #expect(claims.nats.unknownFields["exports"] != nil)
        #expect(claims.nats.signingKeys.map(\.publicKey) == [account.publicKey, "AX"])
        let again = try JWT.decode(try JWT.encode(claims, signedBy: op), as: NATSAccount.self)
        #expect(again.nats == claims.nats)
    }
}

/// Builds tokens from raw claims JSON, to test decoding of what other implementations write.
enum JWTTestSupport {
    static func sign(claimsJSON: String, with key: KeyPair,
                     header: String = #"{"typ":"JWT","alg":"ed25519-nkey"}"#) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claimsJSON.utf8))
        return input + "." + Base64URL.encode(key.signature(for: Array(input.utf8)))
    }
}

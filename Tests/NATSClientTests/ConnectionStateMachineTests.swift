import NIOCore
import Testing
@testable import NATSClient

struct ConnectionStateMachineTests {
    let info = ServerInfo(serverID: "N1", maxPayload: 1024, headers: true)

    func connected(_ machine: inout ConnectionStateMachine) {
        #expect(machine.received(.info(info)) == .sendConnect(info))
        #expect(machine.received(.pong) == .connected(info))
    }

    @Test func plainHandshakeIsInfoConnectPong() {
        var machine = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        connected(&machine)
        #expect(machine.isConnected)
    }

    @Test func authorizationViolationDuringHandshakeFailsAuthentication() {
        var machine = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        _ = machine.received(.info(info))
        let action = machine.received(.error(ServerErrorMessage(message: "Authorization Violation")))
        guard case .close(let error?) = action else {
            Issue.record("expected close, got \(action)")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(machine.received(.pong) == .none)
    }

    @Test func tlsRequiredUpgradesBeforeConnect() {
        var machine = ConnectionStateMachine(tlsMode: .required, maxPingsOutstanding: 2)
        var tlsInfo = info
        tlsInfo.tlsRequired = true
        #expect(machine.received(.info(tlsInfo)) == .startTLS(tlsInfo))
        #expect(machine.tlsHandshakeCompleted() == .sendConnect(tlsInfo))
        #expect(machine.received(.pong) == .connected(tlsInfo))
    }

    @Test func refusesPlaintextToATLSOnlyServerAndTLSToAPlainServer() {
        var plain = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        var tlsInfo = info
        tlsInfo.tlsRequired = true
        guard case .close(let error?) = plain.received(.info(tlsInfo)) else {
            Issue.record("expected close")
            return
        }
        #expect(error.code == .tlsRequired)
        var secure = ConnectionStateMachine(tlsMode: .required, maxPingsOutstanding: 2)
        guard case .close(let secureError?) = secure.received(.info(info)) else {
            Issue.record("expected close")
            return
        }
        #expect(secureError.code == .tlsRequired)
    }

    @Test func answersServerPingsInEveryOpenState() {
        var machine = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        #expect(machine.received(.ping) == .sendPong)
        connected(&machine)
        #expect(machine.received(.ping) == .sendPong)
    }

    @Test func staleAfterMaxPingsOutstanding() {
        var machine = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        #expect(machine.pingTimerFired() == .none, "no keep-alive before the handshake")
        connected(&machine)
        #expect(machine.pingTimerFired() == .sendPing)
        #expect(machine.received(.pong) == .pongReceived)
        #expect(machine.pingTimerFired() == .sendPing)
        #expect(machine.pingTimerFired() == .sendPing)
        guard case .close(let error?) = machine.pingTimerFired() else {
            Issue.record("expected stale close")
            return
        }
        #expect(error.code == .staleConnection)
        #expect(machine.pingTimerFired() == .none)
    }

    @Test func deliversMessagesOnlyWhenConnected() {
        var machine = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        let message = MessageFrame(subject: "a", sid: 1, payload: ByteBuffer(string: "x"))
        guard case .close = machine.received(.message(message)) else {
            Issue.record("a message before INFO must close")
            return
        }
        var ready = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        connected(&ready)
        #expect(ready.received(.message(message)) == .deliver(message))
    }

    @Test func permissionViolationKeepsTheConnectionOtherErrorsClose() {
        var machine = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        connected(&machine)
        let permission = ServerErrorMessage(message: "Permissions Violation for Subscription to \"x\"")
        #expect(machine.received(.error(permission)) == .reportServerError(permission))
        guard case .close(let error?) = machine.received(.error(ServerErrorMessage(message: "Stale Connection"))) else {
            Issue.record("expected close")
            return
        }
        #expect(error.code == .staleConnection)
    }

    @Test func laterInfoKeepsKnownFields() {
        var machine = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        connected(&machine)
        var update = ServerInfo(serverID: "N1")
        update.lameDuckMode = true
        guard case .infoUpdated(let merged) = machine.received(.info(update)) else {
            Issue.record("expected infoUpdated")
            return
        }
        #expect(merged.lameDuckMode == true && merged.maxPayload == 1024 && merged.headers == true)
    }

    @Test func connectTimeoutOnlyBeforeTheHandshakeCompletes() {
        var waiting = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        guard case .close(let error?) = waiting.connectTimeoutFired() else {
            Issue.record("expected close")
            return
        }
        #expect(error.code == .connectTimeout)
        var ready = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        connected(&ready)
        #expect(ready.connectTimeoutFired() == .none)
    }

    @Test func closeRequestedOnce() {
        var machine = ConnectionStateMachine(tlsMode: .disabled, maxPingsOutstanding: 2)
        connected(&machine)
        #expect(machine.closeRequested() == .close(nil))
        #expect(machine.closeRequested() == .none)
        #expect(machine.received(.ping) == .none)
    }
}

struct ReconnectPolicyTests {
    @Test func backoffDoublesUpToTheCapPlusJitter() {
        let backoff = ReconnectBackoff(.init(baseWait: .milliseconds(100), maxWait: .seconds(1), jitter: .milliseconds(50)))
        #expect(backoff.delay(afterRound: 0, randomFraction: 0) == .milliseconds(100))
        #expect(backoff.delay(afterRound: 1, randomFraction: 0) == .milliseconds(200))
        #expect(backoff.delay(afterRound: 3, randomFraction: 0) == .milliseconds(800))
        #expect(backoff.delay(afterRound: 4, randomFraction: 0) == .seconds(1))
        #expect(backoff.delay(afterRound: 1_000, randomFraction: 1) == .milliseconds(1050))
        #expect(backoff.delay(afterRound: 0, randomFraction: 0.5) == .milliseconds(125))
        #expect(backoff.delay(afterRound: 0, randomFraction: 7) == .milliseconds(150), "fraction is clamped")
    }

    @Test func poolRotatesAddsDiscoveredServersAndRetiresFailingOnes() throws {
        let a = try ServerAddress(parsing: "nats://a:4222")
        let b = try ServerAddress(parsing: "b:5222")
        var pool = ServerPool(addresses: [a, b], maxAttemptsPerServer: 2)
        #expect(pool.roundOrder(after: nil) == [a, b])
        #expect(pool.roundOrder(after: a) == [b, a])
        pool.addDiscovered(["a:4222", "c:4222", "not a url::", "c:4222"])
        let c = try ServerAddress(parsing: "c:4222")
        #expect(pool.roundOrder(after: b) == [c, a, b])
        pool.recordFailure(c)
        pool.recordFailure(c)
        #expect(pool.roundOrder(after: nil) == [a, b])
        pool.recordFailure(a)
        pool.recordSuccess(a)
        pool.recordFailure(a)
        #expect(pool.roundOrder(after: nil) == [a, b], "success resets the count")
    }

    @Test func parsesServerAddressesWithoutLeakingCredentials() throws {
        let address = try ServerAddress(parsing: "nats://alice:s%3Acret@127.0.0.1:4333")
        #expect(address.host == "127.0.0.1" && address.port == 4333 && !address.wantsTLS)
        #expect(address.user == "alice" && address.password == "s:cret")
        #expect(!"\(address)".contains("cret"))
        #expect(try ServerAddress(parsing: "tls://[::1]:4222").wantsTLS)
        #expect(try ServerAddress(parsing: "tls://[::1]:4222").host == "::1")
        #expect(try ServerAddress(parsing: "localhost").port == 4222)
        for bad in ["http://x:1", "nats://:4222", "nats://x:0", ""] {
            #expect(throws: NATSClientError.self, "\(bad)") { try ServerAddress(parsing: bad) }
        }
    }
}

struct NATSCredentialsTests {
    static let creds = """
        -----BEGIN NATS USER JWT-----
        eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJzdWIiOiJVIn0.c2ln
        ------END NATS USER JWT------

        ************************* IMPORTANT *************************
        NKEY Seed printed below can be used to sign and prove identity.

        -----BEGIN USER NKEY SEED-----
        SUAPCDMU5TSHHLWUUZSOUABJXP2GXRCZVEOVWPSVM5XRSXYGQMRRFDYNMY
        ------END USER NKEY SEED------

        *************************************************************
        """

    @Test func parsesJWTAndSeedBlocks() throws {
        let credentials = try NATSCredentials(parsing: Self.creds)
        #expect(credentials.jwt == "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJzdWIiOiJVIn0.c2ln")
        #expect(credentials.seed == "SUAPCDMU5TSHHLWUUZSOUABJXP2GXRCZVEOVWPSVM5XRSXYGQMRRFDYNMY")
        #expect(!"\(credentials)".contains("SUAP"))
    }

    @Test func rejectsIncompleteOrSwappedBlocks() {
        #expect(throws: NATSClientError.self) { try NATSCredentials(parsing: "") }
        #expect(throws: NATSClientError.self) {
            try NATSCredentials(parsing: "-----BEGIN-----\nSUAPCD\n-----END-----\n-----BEGIN-----\neyJa.b.c\n-----END-----")
        }
        #expect(throws: NATSClientError.self) { try NATSCredentials(parsing: "-----BEGIN-----\neyJa.b.c\n-----END-----") }
    }

    @Test func authenticationDescriptionRedactsSecrets() {
        let cases: [NATSConfiguration.Authentication] = [
            .userPassword(user: "u", password: "pw-secret"), .token("tok-secret"),
            .credentials(jwt: "eyJsecret", signNonce: { _ in [] }),
        ]
        for auth in cases {
            let text = "\(auth)"
            #expect(!text.contains("secret"), "\(text)")
        }
    }
}

import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing
@testable import NATSClient

/// What goes into CONNECT for a given INFO and configuration (no network: the connection is
/// built but never connected).
struct ConnectOptionsNegotiationTests {
    func options(
        _ authentication: NATSConfiguration.Authentication = .none,
        server: String = "nats://127.0.0.1:4222",
        info: ServerInfo,
        configure: (inout NATSConfiguration) -> Void = { _ in }
    ) throws -> ConnectOptions {
        var configuration = NATSConfiguration(servers: [server], authentication: authentication)
        configure(&configuration)
        let connection = try NATSConnection(
            configuration: configuration, eventLoopGroup: EmbeddedEventLoop(), clock: ContinuousClock(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        return try connection.makeConnectOptions(info: info, address: ServerAddress(parsing: server))
    }

    @Test func headersAndNoRespondersFollowTheServer() throws {
        let withHeaders = try options(info: ServerInfo(serverID: "N", headers: true))
        #expect(withHeaders.headers && withHeaders.noResponders)
        #expect(!withHeaders.verbose && !withHeaders.pedantic && withHeaders.protocol == 1)
        let without = try options(info: ServerInfo(serverID: "N", headers: false))
        #expect(!without.headers && !without.noResponders)
        let quiet = try options(info: ServerInfo(serverID: "N"), configure: { $0.echo = false; $0.name = "svc" })
        #expect(!quiet.echo && quiet.name == "svc")
    }

    @Test func nkeySignsTheNonceBytesAndEncodesBase64URLWithoutPadding() throws {
        var info = ServerInfo(serverID: "N")
        info.nonce = "nonce-1"
        let signature: [UInt8] = [0xFB, 0xFF, 0xFE] + Array(repeating: 0, count: 61)
        let seen = NIOLockedValueBox<[UInt8]>([])
        let result = try options(.nkey(publicKey: "UABC", signNonce: { nonce in
            seen.withLockedValue { $0 = nonce }
            return signature
        }), info: info)
        #expect(seen.withLockedValue { $0 } == Array("nonce-1".utf8))
        #expect(result.nkey == "UABC")
        #expect(result.signature?.hasPrefix("-__-") == true)
        #expect(result.signature?.contains("=") == false && result.signature?.count == 86)
    }

    @Test func nkeyWithoutANonceOrWithAFailingSignerIsACredentialsError() throws {
        #expect(throws: NATSClientError.self) {
            try options(.nkey(publicKey: "UABC", signNonce: { _ in [] }), info: ServerInfo(serverID: "N"))
        }
        struct SignerFailed: Error {}
        var info = ServerInfo(serverID: "N")
        info.nonce = "n"
        do {
            _ = try options(.credentials(jwt: "eyJ.a.b", signNonce: { _ in throw SignerFailed() }), info: info)
            Issue.record("expected an error")
        } catch let error as NATSClientError {
            #expect(error.code == .invalidCredentials)
        }
    }

    @Test func credentialsInTheURLAreUsedWithoutExplicitAuthentication() throws {
        let userPass = try options(server: "nats://alice:pw@127.0.0.1:4222", info: ServerInfo(serverID: "N"))
        #expect(userPass.user == "alice" && userPass.password == "pw")
        let token = try options(server: "nats://tok@127.0.0.1:4222", info: ServerInfo(serverID: "N"))
        #expect(token.authToken == "tok" && token.user == nil)
        let explicit = try options(.token("t"), server: "nats://alice:pw@127.0.0.1:4222", info: ServerInfo(serverID: "N"))
        #expect(explicit.authToken == "t" && explicit.user == nil)
    }

    @Test func invalidConfigurationsAreRejectedUpFront() {
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let bad: [NATSConfiguration] = [
            NATSConfiguration(servers: []),
            NATSConfiguration(servers: ["http://x"]),
            NATSConfiguration(pingInterval: .zero),
            NATSConfiguration(pendingLimits: .init(messages: 0, bytes: 1)),
            NATSConfiguration(inboxPrefix: "has space"),
            NATSConfiguration(reconnect: .init(baseWait: .seconds(5), maxWait: .seconds(1))),
        ]
        for configuration in bad {
            #expect(throws: NATSClientError.self) {
                _ = try NATSConnection(configuration: configuration, eventLoopGroup: EmbeddedEventLoop(),
                                       clock: ContinuousClock(), logger: logger)
            }
        }
    }
}

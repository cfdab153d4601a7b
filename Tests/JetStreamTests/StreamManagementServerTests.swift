import JetStream
import NATSClient
import NATSTestSupport
import NIOCore
import Testing
import TestSupport

@Suite("JetStream streams and publish against nats-server")
struct StreamManagementServerTests {
    @Test func createInfoUpdatePurgeDelete() async throws {
        let env = try await JetStreamTestServer.start()
        let js = env.js
        let config = StreamConfig(
            name: "SCIM", subjects: ["scim.>"], storage: .memory, maxMessages: 1000, maxAge: .seconds(3600),
            discard: .old, duplicateWindow: .seconds(30), allowRollup: true, denyDelete: true
        )
        let created = try await js.createStream(config)
        #expect(created.didCreate)
        #expect(created.config.subjects == ["scim.>"])
        #expect(created.config.storage == .memory)
        #expect(created.config.maxAge == .seconds(3600))
        #expect(created.config.duplicateWindow == .seconds(30))
        #expect(created.config.allowRollup && created.config.denyDelete)

        // The same configuration again is accepted (2.15.1 still says did_create, so only the config is checked).
        let again = try await js.createStream(config)
        #expect(again.config == created.config)
        var different = config
        different.subjects = ["other.>"]
        let inUse = await #expect(throws: JetStreamError.self) { try await js.createStream(different) }
        #expect(inUse?.code == .streamNameInUse)

        for i in 1...10 { _ = try await js.publish(ByteBuffer(string: "m\(i)"), to: "scim.users.\(i % 3)") }
        var updated = config
        updated.maxMessages = 500
        #expect(try await js.updateStream(updated).config.maxMessages == 500)

        // Trim below a snapshot at 6: everything under 6 goes, 6 stays.
        #expect(try await js.purgeStream("SCIM", PurgeRequest(upToSequence: 6)) == 5)
        var info = try await js.streamInfo("SCIM")
        #expect(info.state.firstSequence == 6)
        #expect(info.state.lastSequence == 10)
        #expect(try await js.purgeStream("SCIM", PurgeRequest(keep: 2)) == 3)
        info = try await js.streamInfo("SCIM")
        #expect(info.state.messages == 2)
        #expect(try await js.purgeStream("SCIM") == 2)
        let refused = await #expect(throws: JetStreamError.self) {
            try await js.purgeStream("SCIM", PurgeRequest(upToSequence: 1, keep: 1))
        }
        #expect(refused?.code == .invalidArgument)

        try await js.deleteStream("SCIM")
        let missing = await #expect(throws: JetStreamError.self) { try await js.streamInfo("SCIM") }
        #expect(missing?.code == .streamNotFound)
        #expect(missing?.apiError?.errorCode == 10059)
        try await env.stop()
    }

    @Test func publishAcksDeduplicatesAndEnforcesExpectedSequences() async throws {
        let env = try await JetStreamTestServer.start()
        let js = env.js
        _ = try await js.createStream(StreamConfig(name: "EV", subjects: ["ev.>"]))

        let first = try await js.publish(ByteBuffer(string: "a"), to: "ev.user.1",
                                         options: PublishOptions(messageID: "id-1", expectedLastSubjectSequence: 0))
        #expect(first == PubAck(stream: "EV", sequence: 1))
        let duplicate = try await js.publish(ByteBuffer(string: "a"), to: "ev.user.1", options: PublishOptions(messageID: "id-1"))
        #expect(duplicate.duplicate)
        #expect(duplicate.sequence == 1)

        _ = try await js.publish(ByteBuffer(string: "b"), to: "ev.user.2", options: PublishOptions(expectedLastSequence: 1))
        // Optimistic concurrency: the writer that read sequence 1 loses and learns the current one.
        let conflict = await #expect(throws: JetStreamError.self) {
            try await js.publish(ByteBuffer(string: "c"), to: "ev.user.3", options: PublishOptions(expectedLastSequence: 1))
        }
        #expect(conflict?.code == .wrongLastSequence)
        #expect(conflict?.currentSequence == 2)
        let subjectConflict = await #expect(throws: JetStreamError.self) {
            try await js.publish(ByteBuffer(string: "c"), to: "ev.user.1",
                                 options: PublishOptions(expectedLastSubjectSequence: 0))
        }
        #expect(subjectConflict?.code == .wrongLastSequence)
        #expect(subjectConflict?.currentSequence == 1)
        let ok = try await js.publish(ByteBuffer(string: "c"), to: "ev.user.1",
                                      options: PublishOptions(expectedStream: "EV", expectedLastSubjectSequence: 1))
        #expect(ok.sequence == 3)
        let wrongStream = await #expect(throws: JetStreamError.self) {
            try await js.publish(ByteBuffer(string: "d"), to: "ev.user.1", options: PublishOptions(expectedStream: "NOPE"))
        }
        #expect(wrongStream?.code == .streamMismatch)
        let nobody = await #expect(throws: JetStreamError.self) {
            try await js.publish(ByteBuffer(string: "x"), to: "nostream.here")
        }
        #expect(nobody?.code == .noResponders)
        #expect(try await js.streamInfo("EV").state.lastSequence == 3)
        try await env.stop()
    }

    @Test func aDomainPrefixAddressesTheServersDomain() async throws {
        let server = try await NATSServerProcess.start(config: "jetstream { domain: hub }\n", label: "js-domain")
        let nats = try await NATSConnection.connect(
            NATSConfiguration(servers: [server.url], connectTimeout: .seconds(10)), logger: NATSTestClient.logger
        )
        let js = JetStreamContext(connection: nats, domain: "hub")
        #expect(js.apiPrefix == "$JS.hub.API.")
        let info = try await js.accountInfo()
        #expect(info.domain == "hub")
        _ = try await js.createStream(StreamConfig(name: "D", subjects: ["d.>"], storage: .memory))
        #expect(try await js.publish(ByteBuffer(string: "x"), to: "d.1").domain == "hub")
        let wrong = JetStreamContext(connection: nats, domain: "elsewhere", timeout: .seconds(2))
        await #expect(throws: JetStreamError.self) { try await wrong.accountInfo() }
        await nats.close()
        try await server.stop()
    }
}

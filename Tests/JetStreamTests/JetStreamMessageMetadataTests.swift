import JetStream
import Testing

@Suite("Ack reply subject metadata")
struct JetStreamMessageMetadataTests {
    @Test func parsesTheNineTokenForm() throws {
        let metadata = try JetStreamMessageMetadata(ackSubject: "$JS.ACK.ORDERS.c1_2.1.42.7.1733331234000000000.5")
        #expect(metadata == JetStreamMessageMetadata(
            stream: "ORDERS", consumer: "c1_2", deliveryCount: 1, streamSequence: 42, consumerSequence: 7,
            timestampNanoseconds: 1_733_331_234_000_000_000, pending: 5
        ))
    }

    @Test func parsesTheElevenAndTwelveTokenForms() throws {
        let v2 = try JetStreamMessageMetadata(ackSubject: "$JS.ACK.hub.ACCHASH.S.C.2.10.3.99.0")
        #expect(v2.domain == "hub")
        #expect(v2.stream == "S")
        #expect(v2.streamSequence == 10)
        #expect(v2.consumerSequence == 3)
        #expect(v2.deliveryCount == 2)
        #expect(v2.pending == 0)
        let noDomain = try JetStreamMessageMetadata(ackSubject: "$JS.ACK._.ACCHASH.S.C.1.11.4.99.0.rand")
        #expect(noDomain.domain == nil)
        #expect(noDomain.streamSequence == 11)
    }

    @Test func rejectsOtherShapes() {
        for subject in ["$JS.ACK.S.C.1.2.3.4", "$JS.ACK.S.C.1.2.3.4.5.6", "_INBOX.x.y", "$JS.ACK.S.C.x.2.3.4.5",
                        "$JS.ACK..C.1.2.3.4.5", "$JS.NAK.S.C.1.2.3.4.5"] {
            #expect(throws: JetStreamError.self, "\(subject)") { try JetStreamMessageMetadata(ackSubject: subject) }
        }
    }
}

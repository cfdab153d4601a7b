import Foundation
@testable import JetStream
import NATSClient
import NIOCore
import Testing

@Suite("JetStream API codecs")
struct JetStreamCodecTests {
    private func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func streamConfigEncodesGoFieldNamesAndNanoseconds() throws {
        let config = StreamConfig(
            name: "SCIM", subjects: ["scim.>"], retention: .workQueue, storage: .memory, replicas: 3,
            maxMessages: 10, maxBytes: 2048, maxAge: .seconds(60), discard: .new,
            duplicateWindow: .milliseconds(1500), allowRollup: true, denyDelete: true, denyPurge: false
        )
        let json = try object(try JetStreamCoding.encode(config))
        #expect(json["name"] as? String == "SCIM")
        #expect(json["subjects"] as? [String] == ["scim.>"])
        #expect(json["retention"] as? String == "workqueue")
        #expect(json["storage"] as? String == "memory")
        #expect(json["num_replicas"] as? Int == 3)
        #expect(json["max_msgs"] as? Int == 10)
        #expect(json["max_bytes"] as? Int == 2048)
        #expect(json["max_age"] as? Int == 60_000_000_000)
        #expect(json["discard"] as? String == "new")
        #expect(json["duplicate_window"] as? Int == 1_500_000_000)
        #expect(json["allow_rollup_hdrs"] as? Bool == true)
        #expect(json["deny_delete"] as? Bool == true)
        #expect(json["deny_purge"] as? Bool == false)
    }

    @Test func streamInfoDecodesAServerReplyAndIgnoresUnknownFields() throws {
        let reply = """
            {"type":"io.nats.jetstream.api.v1.stream_create_response","config":{"name":"S","subjects":["s.>"],
            "retention":"limits","max_consumers":-1,"max_msgs":-1,"max_bytes":-1,"max_age":0,"max_msgs_per_subject":-1,
            "max_msg_size":-1,"discard":"old","storage":"file","num_replicas":1,"duplicate_window":120000000000,
            "compression":"none","allow_direct":false,"mirror_direct":false,"sealed":false,"deny_delete":false,
            "deny_purge":false,"allow_rollup_hdrs":false,"consumer_limits":{},"metadata":{"_nats.req.level":"0"}},
            "created":"2026-12-04T17:00:00Z","state":{"messages":3,"bytes":120,"first_seq":4,"first_ts":"x",
            "last_seq":6,"last_ts":"x","consumer_count":1},"cluster":{"leader":"n1"},"did_create":true,"ts":"x"}
            """
        let info = try JetStreamCoding.decode(StreamInfo.self, from: Array(reply.utf8), context: "test")
        #expect(info.didCreate)
        #expect(info.config.name == "S")
        #expect(info.config.duplicateWindow == .seconds(120))
        #expect(info.config.storage == .file)
        #expect(info.state.messages == 3)
        #expect(info.state.firstSequence == 4)
        #expect(info.state.lastSequence == 6)
        #expect(info.leader == "n1")
    }

    @Test func configRoundTrips() throws {
        let config = StreamConfig(name: "R", subjects: ["a", "b.*"], maxAge: .seconds(5), allowDirect: true)
        let decoded = try JSONDecoder().decode(StreamConfig.self, from: Data(try JetStreamCoding.encode(config)))
        #expect(decoded == config)
        let consumer = ConsumerConfig(name: "c1", deliverPolicy: .byStartSequence(42), ackPolicy: .none,
                                      filterSubject: "a", deliverSubject: "_INBOX.x", flowControl: true,
                                      idleHeartbeat: .seconds(5), memoryStorage: true)
        let json = try object(try JetStreamCoding.encode(consumer))
        #expect(json["deliver_policy"] as? String == "by_start_sequence")
        #expect(json["opt_start_seq"] as? Int == 42)
        #expect(json["idle_heartbeat"] as? Int == 5_000_000_000)
        #expect(json["ack_policy"] as? String == "none")
        let back = try JSONDecoder().decode(ConsumerConfig.self, from: Data(try JetStreamCoding.encode(consumer)))
        #expect(back == consumer)
    }

    @Test func errorRepliesBecomeTypedErrorsByErrCode() throws {
        let cases: [(Int, JetStreamError.Code)] = [
            (10059, .streamNotFound), (10014, .consumerNotFound), (10037, .messageNotFound),
            (10058, .streamNameInUse), (10071, .wrongLastSequence), (10164, .wrongLastSequence),
            (10060, .streamMismatch), (10158, .duplicateInProcess), (10039, .notEnabled), (10003, .apiError),
        ]
        for (errCode, expected) in cases {
            let reply = #"{"type":"x","error":{"code":400,"err_code":\#(errCode),"description":"text"}}"#
            let error = try #require(throws: JetStreamError.self) {
                try JetStreamCoding.decode(StreamInfo.self, from: Array(reply.utf8), context: "STREAM.INFO.S")
            }
            #expect(error.code == expected, "err_code \(errCode)")
            #expect(error.apiError?.errorCode == errCode)
            #expect(error.description.contains("STREAM.INFO.S"))
        }
    }

    @Test func wrongLastSequenceCarriesTheCurrentSequence() throws {
        let reply = #"{"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 7"},"stream":"S","seq":0}"#
        let error = try #require(throws: JetStreamError.self) {
            try JetStreamContext.decodePubAck(NATSMessage(subject: "r", payload: ByteBuffer(string: reply)), subject: "s.1")
        }
        #expect(error.code == .wrongLastSequence)
        #expect(error.currentSequence == 7)
        let inFlight = #"{"error":{"code":400,"err_code":10164,"description":"wrong last sequence"},"stream":"S","seq":0}"#
        let other = try #require(throws: JetStreamError.self) {
            try JetStreamContext.decodePubAck(NATSMessage(subject: "r", payload: ByteBuffer(string: inFlight)), subject: "s.1")
        }
        #expect(other.code == .wrongLastSequence)
        #expect(other.currentSequence == nil)
    }

    @Test func pubAckDecodesDuplicatesAndA503StatusIsNoResponders() throws {
        let ack = try JetStreamContext.decodePubAck(
            NATSMessage(subject: "r", payload: ByteBuffer(string: #"{"stream":"S","seq":12,"duplicate":true}"#)), subject: "s"
        )
        #expect(ack == PubAck(stream: "S", sequence: 12, duplicate: true))
        var status = NATSHeaders()
        status.statusCode = 503
        let error = try #require(throws: JetStreamError.self) {
            try JetStreamContext.decodePubAck(NATSMessage(subject: "r", headers: status, payload: ByteBuffer()), subject: "s")
        }
        #expect(error.code == .noResponders)
        let garbage = try #require(throws: JetStreamError.self) {
            try JetStreamContext.decodePubAck(NATSMessage(subject: "r", payload: ByteBuffer(string: "nope")), subject: "s")
        }
        #expect(garbage.code == .invalidResponse)
    }

    @Test func publishOptionsBecomeHeaders() {
        let headers = PublishOptions(messageID: "m1", expectedStream: "S", expectedLastSequence: 4,
                                     expectedLastSubjectSequence: 0).applied(to: NATSHeaders([("X", "y")]))
        #expect(headers?["X"] == "y")
        #expect(headers?["Nats-Msg-Id"] == "m1")
        #expect(headers?["Nats-Expected-Stream"] == "S")
        #expect(headers?["Nats-Expected-Last-Sequence"] == "4")
        #expect(headers?["Nats-Expected-Last-Subject-Sequence"] == "0")
        #expect(PublishOptions().applied(to: nil) == nil)
    }

    @Test func apiPrefixFollowsTheDomain() {
        #expect(JetStreamContext.apiPrefix(domain: nil) == "$JS.API.")
        #expect(JetStreamContext.apiPrefix(domain: "") == "$JS.API.")
        #expect(JetStreamContext.apiPrefix(domain: "hub") == "$JS.hub.API.")
    }

    @Test func purgeRequestEncodesSeqAndRefusesSeqWithKeep() throws {
        let json = try object(try JetStreamCoding.encode(PurgeRequest(filter: "a.>", upToSequence: 9)))
        #expect(json["seq"] as? Int == 9)
        #expect(json["filter"] as? String == "a.>")
        #expect(json["keep"] == nil)
        #expect(throws: JetStreamError.self) { try PurgeRequest(upToSequence: 3, keep: 1).validate() }
    }

    @Test func namesThatWouldChangeTheAPISubjectAreRefused() {
        for name in ["", "a.b", "a*", ">", "a b", "a/b"] {
            #expect(throws: JetStreamError.self) { try JetStreamContext.validate(name: name, what: "stream") }
        }
        #expect(throws: Never.self) { try JetStreamContext.validate(name: "OBJ_files-1", what: "stream") }
    }
}

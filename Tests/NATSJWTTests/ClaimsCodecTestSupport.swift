import Foundation
import Testing
import TestSupport
@testable import NATSJWT

/// Checks one input: when the fast reader answers, its claims equal `JSONDecoder`'s, and
/// `JWT.decodeClaims` (fast, falling back) gives exactly Codable's claims or error code.
/// Returns whether the fast path decided it.
@discardableResult
func checkFastEqualsCodable<Payload: NATSClaimsPayload>(
    _ json: [UInt8], as type: Payload.Type, _ label: @autoclosure () -> String
) -> Bool {
    let codable = DecodeOutcome<Payload>(json, fastPath: false)
    let fast = json.withUnsafeBufferPointer { JWTClaims<Payload>.readFast($0) }
    if let fast {
        #expect(codable == .claims(fast), "fast path differs from Codable: \(label())")
    }
    #expect(DecodeOutcome<Payload>(json, fastPath: true) == codable, "JWT.decodeClaims differs from Codable: \(label())")
    return fast != nil
}

/// Outcome of decoding claims JSON: the claims, or the error code.
enum DecodeOutcome<Payload: NATSClaimsPayload>: Equatable {
    case claims(JWTClaims<Payload>)
    case failure(JWTError.Code)

    init(_ json: [UInt8], fastPath: Bool) {
        do {
            self = .claims(try JWT.decodeClaims(json, as: Payload.self, fastPath: fastPath))
        } catch {
            self = .failure(error.code)
        }
    }
}

enum ClaimsCorpus {
    static let serverKey = "NAD2MBTSVFQKSUDGZY4BDZNV5QZ5HWKA5ZSAGEVT3XZBHQZPAOAYGSVE"
    static let userKey = "UBAUPV4S6JCKMZ5E6SNU4EYNZL4FQMR6KIV2PLNF2KF5MXQOCCMRCD4Q"
    static let accountKey = "ABVRZKJ6Z7NIMPIYJRCHEYFRUO7ENN6NWOKQDFLFDFVPSM36UPX2UCPP"

    /// Request claims as nats-server 2.15 writes them, from minimal to every member set.
    static let requests: [String] = [
        """
        {"aud":"nats-authorization-request","exp":1800000002,"iat":1800000000,"iss":"\(serverKey)",\
        "jti":"X","sub":"\(accountKey)","nats":{"server_id":{"name":"\(serverKey)",\
        "host":"127.0.0.1","id":"\(serverKey)","version":"2.15.1"},"user_nkey":"\(userKey)",\
        "client_info":{"host":"127.0.0.1","id":8,"user":"alice","kind":"Client","type":"nats"},\
        "connect_opts":{"user":"alice","pass":"pw","lang":"python3","version":"2.16.0","protocol":1},\
        "type":"authorization_request","version":2}}
        """,
        """
        {"jti":"Q2XQ5FVFL4JN3JNGHJ2XW4OMAWP3ZBW4ZK6GXQGZ3S2VDYSYEHPQ","iat":1764400000,\
        "iss":"\(serverKey)","sub":"\(accountKey)","aud":"nats-authorization-request","exp":1764400002,\
        "nats":{"server_id":{"name":"n1","host":"0.0.0.0","id":"\(serverKey)","version":"2.15.1",\
        "cluster":"c1","tags":["az:1","ssd"],"xkey":"XAB3NANV3M6N7AHSQP2U5FRWKKUT7EG2ZXXABV4XVXYQRJGM4S2CZGHT"},\
        "user_nkey":"\(userKey)","client_info":{"host":"10.0.0.7","id":18446744073709551615,"user":"bob",\
        "name":"svc \\"quoted\\" \\\\ é 😀 \\u00e9 \\ud83d\\ude00 \\/ \\b\\f\\n\\r\\t\\u0000","tags":[],\
        "name_tag":"nt","kind":"Client","type":"websocket","mqtt_id":"m","nonce":"abc-_","start":"2026-11-29T05:00:00Z",\
        "rtt":"1.2ms","extra":{"deep":[1,2.5,-3e10,true,false,null,{"x":[]}]}},\
        "connect_opts":{"jwt":"eyJ.x.y","nkey":"\(userKey)","sig":"c2ln","auth_token":"t0k","user":"bob",\
        "pass":"p\\u00e4ss","name":"app","lang":"go","version":"1.37.0","protocol":1,"verbose":false,\
        "pedantic":false,"tls_required":true,"headers":true,"no_responders":true,"echo":null},\
        "client_tls":{"version":"1.3","cipher":"TLS_AES_128_GCM_SHA256","certs":["-----BEGIN CERTIFICATE-----\\nMIIB\\n"],\
        "verified_chains":[["a","b"],[]]},"request_nonce":"rn","tags":["t1","t2"],\
        "type":"authorization_request","version":2,"future_member":{"a":[1,"two",null,true]}},\
        "name":"n","nbf":-5,"other":"kept","num":-9223372036854775808,"arr":[[],{}],"nul":null}
        """,
        """
         \t\r\n{ "sub" : "" , "nats" : { "server_id" : { } , "user_nkey" : "" , "client_info" : null ,\
         "connect_opts" : null , "client_tls" : null , "request_nonce" : null , "tags" : null , "type" : null ,\
         "version" : null } , "jti" : null , "iat" : null , "iss" : null , "name" : null , "aud" : null ,\
         "exp" : null , "nbf" : null } \n
        """,
        #"{"nats":{"server_id":{"name":null,"host":null,"id":null,"version":null,"cluster":null,"tags":null,"xkey":null},"user_nkey":"U","client_info":{"host":null,"id":null,"user":null,"name":null,"tags":null,"name_tag":null,"kind":null,"type":null,"mqtt_id":null,"nonce":null},"connect_opts":{"jwt":null,"nkey":null,"sig":null,"auth_token":null,"user":null,"pass":null,"name":null,"lang":null,"version":null,"protocol":null},"client_tls":{"version":null,"cipher":null,"certs":null,"verified_chains":null}}}"#,
    ]

    /// Hand-picked inputs at the edges of the grammar and of the Codable types.
    static let edgeCases: [String] = [
        "", " ", "null", "[]", "{}", "\"x\"", "{", "}", "{\"nats\":{}}",
        #"{"nats":null}"#,
        #"{"nats":{"server_id":null,"user_nkey":"U"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":null}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U"}} x"#,
        #"{"nats":{"server_id":{},"user_nkey":"U"}},"#,
        #"{"nats":{"server_id":{},"user_nkey":"U"},}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U",}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U"},"nats":{"server_id":{},"user_nkey":"V"}}"#,
        #"{"sub":"a","sub":"b","nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"nats":{"server_id":{"id":"a","id":"b"},"user_nkey":"U"}}"#,
        #"{"nats":{"server_id":{"zz":1,"zz":2},"user_nkey":"U"}}"#,
        #"{"x":1,"x":2,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"s\u0075b":"escaped name","nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"iat":1.0,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"iat":1e3,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"iat":-0,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"iat":01,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"iat":9223372036854775807,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"iat":9223372036854775808,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"iat":-9223372036854775809,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"iat":"1","nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"iat":true,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"big":123456789012345678901234567890,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"float":1.5,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"float":1.0,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"x":-,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"x":1.,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"x":.5,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"x":+1,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"x":NaN,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"x":tru,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"x":nul,"nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U","client_info":{"id":-1}}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U","client_info":{"id":18446744073709551616}}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U","client_info":{"tags":[null]}}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U","client_info":{"tags":["a",]}}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U","client_info":[]}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U","connect_opts":{"protocol":1.5}}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U","client_tls":{"verified_chains":[null]}}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U","tags":"notalist"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"\ud800"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"\udc00"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"\ud800\u0041"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"\ud83d\ude00"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"\u00"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"\uZZZZ"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"\x"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"\'"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"\u0000"}}"#,
        "{\"nats\":{\"server_id\":{},\"user_nkey\":\"tab\there\"}}",
        "{\"nats\":{\"server_id\":{},\"user_nkey\":\"del\u{7F}é\u{2028}\"}}",
        "\u{FEFF}{\"nats\":{\"server_id\":{},\"user_nkey\":\"U\"}}",
        #"{"nats":{"server_id":{},"user_nkey":"U"}}"# + String(repeating: " ", count: 3),
        #"{"nats":{"server_id":{},"user_nkey":"U","deep":"# + String(repeating: "[", count: 40)
            + String(repeating: "]", count: 40) + "}}",
        #"{"nats":{"server_id":{},"user_nkey":"U","deep":"# + String(repeating: "[", count: 600)
            + String(repeating: "]", count: 600) + "}}",
        // Depth 32 in all (the fast reader's limit) and one more.
        #"{"nats":{"server_id":{},"user_nkey":"U","deep":"# + String(repeating: #"{"a":"#, count: 30)
            + "1" + String(repeating: "}", count: 30) + "}}",
        #"{"nats":{"server_id":{},"user_nkey":"U","deep":"# + String(repeating: #"{"a":"#, count: 31)
            + "1" + String(repeating: "}", count: 31) + "}}",
        #"{"nats":{"server_id":{},"user_nkey":"U","deep":"# + String(repeating: "[", count: 30)
            + String(repeating: "]", count: 30) + "}}",
        #"{"nats":{"server_id":{},"user_nkey":"U","type":"user"}}"#,
        // More members than the fast reader tracks for duplicates.
        "{" + (0..<70).map { "\"m\($0)\":\($0)," }.joined() + #""nats":{"server_id":{},"user_nkey":"U"}}"#,
        #"{"nats":{"server_id":{},"user_nkey":"U","version":2,"unknown":{"k":{"k":"v"},"n":null}}}"#,
    ]

    /// Raw byte inputs that are not valid UTF-8 or not UTF-8 at all.
    static let byteCases: [[UInt8]] = [
        Array(#"{"nats":{"server_id":{},"user_nkey":""#.utf8) + [0xFF] + Array(#""}}"#.utf8),
        Array(#"{"nats":{"server_id":{},"user_nkey":""#.utf8) + [0xC3] + Array(#""}}"#.utf8),
        Array(#"{"nats":{"server_id":{},"user_nkey":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}}"#.utf8),
        Array(#"{"nats":{"server_id":{},"user_nkey":""#.utf8) + [0xC0, 0xAF] + Array(#""}}"#.utf8),
        Array(#"{"nats":{"server_id":{},"user_nkey":"U"}}"#.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
        [0xEF, 0xBB, 0xBF] + Array(#"{"nats":{"server_id":{},"user_nkey":"U"}}"#.utf8),
    ]

    /// Seeded mutations of `base`: byte replacements, deletions, insertions and truncations.
    static func mutations(of base: [UInt8], count: Int, generator: inout SeededGenerator) -> [[UInt8]] {
        let alphabet = Array(#"{}[],:"\ -+.0123456789eEnultrfa\u"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xFF]
        var result: [[UInt8]] = []
        for _ in 0..<count {
            var bytes = base
            let edits = Int.random(in: 1...3, using: &generator)
            for _ in 0..<edits where !bytes.isEmpty {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                let replacement = alphabet.randomElement(using: &generator) ?? 0
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[position] = replacement
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(replacement, at: position)
                default: bytes = Array(bytes.prefix(position))
                }
            }
            result.append(bytes)
        }
        return result
    }
}

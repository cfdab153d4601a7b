import Foundation
import IdentityStore
import JSON
import SCIM

/// A decision record as one JSON object: what `scim-callout decisions --json` prints and what each
/// replica publishes on `<prefix>.decisions.<replica>`, so one reader handles both.
///
/// Keys are the record's property names in ascending byte order (the shape `JSONEncoder` with
/// sorted keys gives `DecisionRecord`); absent values are left out; times are RFC 3339 in UTC
/// with whole seconds. `replica` names the replica that decided (absent in the local table's
/// output). Written by hand: `JSONEncoder` costs several times more per record, and every
/// decision is published.
public struct PublishedDecision: Sendable, Equatable {
    public var record: DecisionRecord
    /// `replication.replica_id` of the replica that made the decision.
    public var replica: String?

    public init(record: DecisionRecord, replica: String? = nil) {
        self.record = record
        self.replica = replica
    }

    /// The JSON object, one line, no trailing newline (strings escaped as a log line's are, so
    /// no raw control character or line separator can end up in it).
    public var json: [UInt8] {
        var writer = JSONWriter(dialect: .lineSafe, capacity: 640)
        writer.beginObject()
        func put(_ key: StaticString, _ value: String?) {
            guard let value else { return }
            writer.key(key)
            writer.string(value)
        }
        func put(_ key: StaticString, _ value: (some BinaryInteger)?) {
            guard let value else { return }
            writer.key(key)
            writer.integer(value)
        }
        put("account", record.account)
        put("authMethod", record.authMethod.rawValue)
        put("clientHost", record.clientHost)
        put("clientID", record.clientID)
        put("clientLang", record.clientLang)
        put("clientName", record.clientName)
        put("clientVersion", record.clientVersion)
        put("detail", record.detail)
        writer.key("grantedBy")
        writer.stringArray(record.grantedBy)
        put("id", record.id)
        put("jwtExpires", record.jwtExpires.map(InternetDateTime.string))
        put("jwtID", record.jwtID)
        put("latencyMicroseconds", record.latencyMicroseconds)
        put("queueMicroseconds", record.queueMicroseconds)
        put("reason", record.reason.rawValue)
        put("replica", replica)
        put("result", record.result.rawValue)
        put("serverID", record.serverID)
        put("serverName", record.serverName)
        put("sessionsCut", record.sessionsCut)
        put("time", InternetDateTime.string(record.time))
        put("tokenIssuer", record.tokenIssuer)
        put("tokenKeyID", record.tokenKeyID)
        put("tokenSubject", record.tokenSubject)
        put("userID", record.userID)
        put("userName", record.userName)
        writer.endObject()
        return writer.finished()
    }

    /// Reads the JSON object `json` writes (unknown keys are ignored, so a newer replica's
    /// records still read).
    /// - Throws: ``DecisionJSONError`` naming the first field that is missing or of the wrong type.
    public init(json bytes: some Collection<UInt8>) throws(DecisionJSONError) {
        let value: JSONValue
        do {
            value = try JSONValue.decode(bytes)
        } catch {
            throw DecisionJSONError("invalid JSON (\(error))")
        }
        guard let object = value.objectValue else { throw DecisionJSONError("not a JSON object") }
        let fields = Fields(object: object)
        guard let result = DecisionRecord.Result(rawValue: try fields.string("result") ?? "") else {
            throw DecisionJSONError("result is missing or not allow, deny or revoke")
        }
        guard let reason = DecisionReason(rawValue: try fields.string("reason") ?? "") else {
            throw DecisionJSONError("reason is missing or unknown")
        }
        guard let method = DecisionRecord.AuthMethod(rawValue: try fields.string("authMethod") ?? "") else {
            throw DecisionJSONError("authMethod is missing or unknown")
        }
        guard let id = try fields.string("id") else { throw DecisionJSONError("id is missing") }
        guard let time = try fields.date("time") else { throw DecisionJSONError("time is missing") }
        var record = DecisionRecord(
            id: id, time: time, result: result, reason: reason,
            userName: try fields.string("userName"), userID: try fields.string("userID"),
            grantedBy: try fields.strings("grantedBy"), account: try fields.string("account"), authMethod: method,
            clientHost: try fields.string("clientHost"), clientID: try fields.integer("clientID"),
            clientName: try fields.string("clientName"), clientLang: try fields.string("clientLang"),
            clientVersion: try fields.string("clientVersion"), serverID: try fields.string("serverID"),
            serverName: try fields.string("serverName"), latencyMicroseconds: try fields.integer("latencyMicroseconds") ?? 0,
            queueMicroseconds: try fields.integer("queueMicroseconds"), jwtID: try fields.string("jwtID"),
            jwtExpires: try fields.date("jwtExpires"), sessionsCut: try fields.integer("sessionsCut"),
            detail: try fields.string("detail"))
        record.tokenIssuer = try fields.string("tokenIssuer")
        record.tokenSubject = try fields.string("tokenSubject")
        record.tokenKeyID = try fields.string("tokenKeyID")
        self.init(record: record, replica: try fields.string("replica"))
    }

    /// Typed reads of an object's members; absent and `null` both read as nil.
    private struct Fields {
        let object: [String: JSONValue]

        func string(_ key: String) throws(DecisionJSONError) -> String? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let text = value.stringValue else { throw DecisionJSONError("\(key) is not a string") }
            return text
        }

        func strings(_ key: String) throws(DecisionJSONError) -> [String] {
            guard let value = object[key], !value.isNull else { return [] }
            guard let items = value.arrayValue?.compactMap(\.stringValue), items.count == value.arrayValue?.count else {
                throw DecisionJSONError("\(key) is not a list of strings")
            }
            return items
        }

        func integer<Value: FixedWidthInteger>(_ key: String) throws(DecisionJSONError) -> Value? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let number = value.integerValue, let exact = Value(exactly: number) else {
                throw DecisionJSONError("\(key) is not a whole number in range")
            }
            return exact
        }

        func date(_ key: String) throws(DecisionJSONError) -> Date? {
            guard let text = try string(key) else { return nil }
            guard let date = SCIMDateTime.parse(text) else { throw DecisionJSONError("\(key) is not an RFC 3339 time") }
            return date
        }
    }
}

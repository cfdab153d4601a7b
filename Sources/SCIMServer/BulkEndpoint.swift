import Hummingbird
import Foundation
import Logging
import SCIM

/// `/Bulk` (RFC 7644 §3.7): operations run in order, each in its own transaction; `bulkId:`
/// references in paths and data resolve to ids created earlier in the same request;
/// `failOnErrors` stops after that many errors. Limits are advertised in
/// `/ServiceProviderConfig` and enforced with 413.
struct BulkEndpoint<Repository: SCIMRepository>: Sendable {
    let users: UsersEndpoint<Repository>
    let groups: GroupsEndpoint<Repository>
    let configuration: SCIMServerConfiguration

    static var responseSchema: String { "urn:ietf:params:scim:api:messages:2.0:BulkResponse" }

    /// Runs a BulkRequest and returns the BulkResponse (200 even when operations failed).
    /// - Parameter tokenId: the SCIM token that authenticated the request (the author of its changes).
    func run(_ request: JSONValue, baseURL: String, tokenId: String?, logger: Logger) async throws -> JSONValue {
        guard case .object = request else { throw SCIMError.invalidSyntax("a BulkRequest must be a JSON object") }
        guard let operations = request[attribute: "Operations"]?.arrayValue else {
            throw SCIMError.invalidSyntax("a BulkRequest needs an 'Operations' array")
        }
        guard operations.count <= configuration.bulkMaxOperations else {
            throw SCIMError.tooLarge("at most \(configuration.bulkMaxOperations) operations per bulk request")
        }
        var failOnErrors = Int.max
        if let value = request[attribute: "failOnErrors"] {
            guard let limit = value.integerValue, limit >= 0 else {
                throw SCIMError.invalidValue("failOnErrors must be a non-negative integer")
            }
            failOnErrors = limit == 0 ? Int.max : Int(limit)
        }
        var created: [String: String] = [:]  // bulkId -> id
        var results: [JSONValue] = []
        var errors = 0
        for operation in operations {
            if errors >= failOnErrors { break }
            let outcome = await perform(operation, created: &created, baseURL: baseURL, tokenId: tokenId, logger: logger)
            if outcome.isError { errors += 1 }
            results.append(outcome.json)
        }
        return .object([
            "schemas": [.string(Self.responseSchema)],
            "Operations": .array(results),
        ])
    }

    private struct Outcome {
        var json: JSONValue
        var isError: Bool
    }

    private func perform(_ operation: JSONValue, created: inout [String: String], baseURL: String,
                         tokenId: String?, logger: Logger) async -> Outcome {
        let method = operation[attribute: "method"]?.stringValue?.uppercased() ?? ""
        let bulkId = operation[attribute: "bulkId"]?.stringValue
        var json: [String: JSONValue] = ["method": .string(method)]
        if let bulkId { json["bulkId"] = .string(bulkId) }
        do {
            guard case .object = operation else { throw SCIMError.invalidSyntax("each operation must be an object") }
            guard let rawPath = operation[attribute: "path"]?.stringValue else {
                throw SCIMError.invalidSyntax("each operation needs a 'path'")
            }
            let path = try resolve(.string(rawPath), created).stringValue ?? rawPath
            let data = try operation[attribute: "data"].map { try resolve($0, created) }
            let input = SCIMOperationInput(baseURL: baseURL, query: [:], body: data,
                                           ifMatch: operation[attribute: "version"]?.stringValue, ifNoneMatch: nil,
                                           tokenId: tokenId)
            let segments = path.split(separator: "/").map(String.init)
            guard let first = segments.first, segments.count <= 2 else {
                throw SCIMError.invalidValue("unsupported bulk path '\(path)'")
            }
            let id = segments.count == 2 ? segments[1] : nil
            let result: SCIMResult
            switch (first.lowercased(), method, id) {
            case ("users", "POST", nil):
                guard bulkId != nil else { throw SCIMError.invalidValue("POST operations need a bulkId") }
                result = try await users.create(input)
            case ("groups", "POST", nil):
                guard bulkId != nil else { throw SCIMError.invalidValue("POST operations need a bulkId") }
                result = try await groups.create(input)
            case ("users", "PUT", let id?): result = try await users.replace(id: id, input)
            case ("groups", "PUT", let id?): result = try await groups.replace(id: id, input)
            case ("users", "PATCH", let id?): result = try await users.patch(id: id, input)
            case ("groups", "PATCH", let id?): result = try await groups.patch(id: id, input)
            case ("users", "DELETE", let id?): result = try await users.delete(id: id, input)
            case ("groups", "DELETE", let id?): result = try await groups.delete(id: id, input)
            default:
                throw SCIMError.invalidValue("unsupported bulk operation \(method) \(path)")
            }
            if let bulkId, method == "POST", let location = result.location,
               let newId = location.split(separator: "/").last {
                created[bulkId] = String(newId)
            }
            if let location = result.location { json["location"] = .string(location) }
            if let version = result.version { json["version"] = .string(ETag.weak(version: version)) }
            json["status"] = .string(String(result.status.code))
            return Outcome(json: .object(json), isError: false)
        } catch {
            let scimError = SCIMErrorMiddleware<SCIMRequestContext>.scimError(for: error, logger: logger)
            json["status"] = .string(String(scimError.status))
            json["response"] = scimError.jsonBody
            return Outcome(json: .object(json), isError: true)
        }
    }

    /// Replaces every `"bulkId:<id>"` string with the id created for it.
    private func resolve(_ value: JSONValue, _ created: [String: String]) throws -> JSONValue {
        switch value {
        case .string(let text):
            if text.hasPrefix("bulkId:") {
                let key = String(text.dropFirst("bulkId:".count))
                guard let id = created[key] else {
                    throw SCIMError(status: 409, scimType: .invalidValue, detail: "unresolved bulkId '\(key)'")
                }
                return .string(id)
            }
            if text.contains("/bulkId:") || text.hasPrefix("/Users/bulkId:") {
                var result = text
                for (key, id) in created { result = result.replacingOccurrences(of: "bulkId:\(key)", with: id) }
                if result.contains("bulkId:") {
                    throw SCIMError(status: 409, scimType: .invalidValue, detail: "unresolved bulkId in '\(text)'")
                }
                return .string(result)
            }
            return value
        case .array(let elements):
            return .array(try elements.map { try resolve($0, created) })
        case .object(let members):
            return .object(try members.mapValues { try resolve($0, created) })
        default:
            return value
        }
    }
}

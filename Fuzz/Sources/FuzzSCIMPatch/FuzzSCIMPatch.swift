import Foundation
import SCIM

/// A SCIM PATCH body, parsed and applied to a provisioned user and group with the shipped
/// schemas, as the server does: only `SCIMError`s may come out.
private let registry: SchemaRegistry = {
    let schemas = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Schemas")
    do {
        return try SchemaRegistry(directory: schemas)
    } catch {
        fatalError("Schemas/ does not load: \(error)")
    }
}()

private let user: JSONValue = {
    do {
        return try JSONValue.decode(#"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","active":true,
         "name":{"givenName":"Barbara","familyName":"Jensen"},"displayName":"Babs",
         "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@example.org","type":"home"}],
         "phoneNumbers":[{"value":"555-555-8377","type":"work"}]}
        """#)
    } catch {
        fatalError("the user document does not parse: \(error)")
    }
}()

private let group: JSONValue = {
    do {
        return try JSONValue.decode(#"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"nats-demo",
         "members":[{"value":"2819c223-7f76-453a-919d-413861904646","display":"bjensen"}]}
        """#)
    } catch {
        fatalError("the group document does not parse: \(error)")
    }
}()

func fuzz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data else { return 0 }
    guard let request = try? PatchRequest(bytes: UnsafeBufferPointer(start: start, count: count)) else { return 0 }
    let engine = PatchEngine()
    _ = try? engine.apply(request, to: user, type: registry.user)
    _ = try? engine.apply(request, to: group, type: registry.group)
    return 0
}

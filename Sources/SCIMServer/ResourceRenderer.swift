import Foundation
import IdentityStore
import SCIM

/// Builds SCIM resource documents from store rows: the stored JSON plus `id`, `meta`,
/// `groups` (users) or `members` (groups).
struct ResourceRenderer: Sendable {
    let registry: SchemaRegistry

    func user(_ user: StoredUser, baseURL: String) -> JSONValue {
        var document = Self.decodeStored(user.resource)
        document[attribute: "id"] = .string(user.id)
        if let groups = user.groups, !groups.isEmpty {
            document[attribute: "groups"] = .array(groups.map { group in
                .object([
                    "value": .string(group.id),
                    "display": .string(group.displayName),
                    "$ref": .string("\(baseURL)/Groups/\(group.id)"),
                    "type": "direct",
                ])
            })
        }
        document[attribute: "meta"] = meta(resourceType: registry.user.name, created: user.created,
                                           lastModified: user.lastModified, version: user.version,
                                           location: "\(baseURL)/Users/\(user.id)")
        return document
    }

    func group(_ group: StoredGroup, baseURL: String) -> JSONValue {
        var document = Self.decodeStored(group.resource)
        document[attribute: "id"] = .string(group.id)
        if let members = group.members, !members.isEmpty {
            // Only what clients send (value, type): the conformance tester compares PATCHed
            // members exactly, and `display`/`$ref` would cost a join per member on huge groups.
            document[attribute: "members"] = .array(members.map { member in
                .object(["value": .string(member.value), "type": .string(member.type)])
            })
        }
        document[attribute: "meta"] = meta(resourceType: registry.group.name, created: group.created,
                                           lastModified: group.lastModified, version: group.version,
                                           location: "\(baseURL)/Groups/\(group.id)")
        return document
    }

    func meta(resourceType: String, created: Date, lastModified: Date, version: Int64, location: String) -> JSONValue {
        ResourceMeta(resourceType: resourceType, created: SCIMDateTime.format(created),
                     lastModified: SCIMDateTime.format(lastModified), location: location,
                     version: String(version)).jsonValue
    }

    /// The stored document; rows are only ever written from validated `JSONValue`s.
    static func decodeStored(_ text: String) -> JSONValue {
        (try? JSONValue.decode(text)) ?? .object([:])
    }

    /// Removes `id`, `meta` and the given server-managed keys before storing.
    static func storable(_ resource: JSONValue, dropping keys: [String]) -> String {
        var document = resource
        for key in ["id", "meta"] + keys { document[attribute: key] = nil }
        return document.encodedString()
    }
}

import Foundation
import Hummingbird
import IdentityStore
import SCIM

/// `/Groups`: create, read, replace, patch, delete and query groups. Members are kept apart
/// from the group document; PATCH member deltas never load the whole group.
struct GroupsEndpoint<Repository: SCIMRepository>: ResourceEndpoint {
    let repository: Repository
    let registry: SchemaRegistry
    let configuration: SCIMServerConfiguration
    var type: ResourceTypeDefinition { registry.group }
    var renderer: ResourceRenderer { ResourceRenderer(registry: registry) }

    func create(_ input: SCIMOperationInput) async throws -> SCIMResult {
        let normalized = try ResourceValidator().normalizeForCreate(try input.requireBody(), type: type)
        let (groupInput, members) = try Self.groupInput(normalized.resource)
        let group = try await repository.insertGroup(groupInput, members: members ?? [],
                                                     lenientMembers: configuration.lenientMembers,
                                                     author: input.author)
        return try await respond(group, input: input, status: .created)
    }

    func get(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        guard let group = try await repository.group(id: id, includeMembers: Self.wantsMembers(input)) else {
            throw SCIMError.notFound("Group \(id) not found")
        }
        if let notModified = SCIMResult.notModified(input, version: group.version) { return notModified }
        return try await respond(group, input: input, status: .ok)
    }

    func replace(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        let body = try input.requireBody()
        let type = self.type
        // PUT without `members` keeps them (IdPs omit them for large groups); with it, replaces.
        let sendsMembers = body.key(matching: "members") != nil
        let group = try await repository.modifyGroup(id: id, ifMatch: QuerySupport.expectedVersion(input.ifMatch),
                                                     lenientMembers: configuration.lenientMembers,
                                                     author: input.author) { current in
            let existing = ResourceRenderer.decodeStored(current.resource)
            let normalized = try ResourceValidator().normalizeForReplace(body, existing: existing, type: type)
            let (groupInput, members) = try Self.groupInput(normalized.resource)
            let update: MembershipUpdate = sendsMembers ? .replace(members ?? []) : .keep
            return GroupUpdate(input: groupInput, members: update)
        }
        return try await respond(group, input: input, status: .ok)
    }

    func patch(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        let request = try PatchRequest(json: try input.requireBody())
        let type = self.type
        let split = try PatchEngine().splitMembership(request, type: type)
        let repository = self.repository
        let group = try await repository.modifyGroup(id: id, ifMatch: QuerySupport.expectedVersion(input.ifMatch),
                                                     lenientMembers: configuration.lenientMembers,
                                                     author: input.author) { current in
            let existing = ResourceRenderer.decodeStored(current.resource)
            var groupInput = GroupInput(displayName: current.displayName, externalId: current.externalId,
                                        resource: current.resource)
            if let remainder = split.remainder {
                let patched = try PatchEngine().apply(remainder, to: existing, type: type)
                let normalized = try ResourceValidator().normalizeForPatch(patched, existing: existing, type: type)
                groupInput = try Self.groupInput(normalized.resource).0
            }
            var updates: [MembershipUpdate] = []
            for change in split.memberChanges {
                updates.append(try await Self.membershipUpdate(change, groupId: id, repository: repository, type: type))
            }
            return GroupUpdate(input: groupInput, members: updates.isEmpty ? .keep : .sequence(updates))
        }
        return try await respond(group, input: input, status: .ok)
    }

    func delete(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        try await repository.removeGroup(id: id, ifMatch: QuerySupport.expectedVersion(input.ifMatch), author: input.author)
        return SCIMResult(status: .noContent, body: nil)
    }

    func query(_ search: SearchRequest, baseURL: String) async throws -> QueryPage<JSONValue> {
        let renderer = self.renderer
        let includeMembers = QuerySupport.needs("members", search: search, coreURN: SchemaURN.group)
        return try await QuerySupport.query(search, type: type, configuration: configuration) { group in
            renderer.group(group, baseURL: baseURL)
        } fetch: { query, residual in
            try await repository.groups(query, includeMembers: includeMembers, residual: residual)
        }
    }

    /// Re-reads the group (members only when the projection wants them) and renders it.
    private func respond(_ group: StoredGroup, input: SCIMOperationInput, status: HTTPResponse.Status) async throws
        -> SCIMResult
    {
        var group = group
        if Self.wantsMembers(input) {
            if group.members == nil { group.members = try await repository.members(ofGroup: group.id) }
        } else {
            group.members = nil
        }
        return SCIMResult.resource(renderer.group(group, baseURL: input.baseURL), type: type,
                                   location: "\(input.baseURL)/Groups/\(group.id)", version: group.version,
                                   input: input, status: status)
    }

    /// Whether the request's projection returns `members`: a huge group's are read only then.
    private static func wantsMembers(_ input: SCIMOperationInput) -> Bool {
        let (attributes, excluded) = QuerySupport.projection(input.query)
        let search = SearchRequest(attributes: attributes, excludedAttributes: excluded)
        return QuerySupport.needs("members", search: search, coreURN: SchemaURN.group)
    }

    static func membershipUpdate(
        _ change: MemberChange, groupId: String, repository: Repository, type: ResourceTypeDefinition
    ) async throws -> MembershipUpdate {
        switch change {
        case .add(let members):
            return .delta(add: members.map { MemberInput(value: $0.value, type: $0.type) }, remove: [])
        case .remove(let ids):
            return .delta(add: [], remove: Array(ids))
        case .removeAll:
            return .removeAll
        case .replaceAll(let members):
            return .replace(members.map { MemberInput(value: $0.value, type: $0.type) })
        case .removeMatching(let filter):
            // Rare (e.g. `members[type eq "Group"]`): evaluate over the current members.
            let compiled = try FilterEvaluator(type: type).compileMemberFilter(filter)
            let members = try await repository.members(ofGroup: groupId)
            let ids = members.filter { member in
                var element: [String: JSONValue] = ["value": .string(member.value), "type": .string(member.type)]
                if let display = member.display { element["display"] = .string(display) }
                return compiled.matches(.object(element))
            }.map(\.value)
            return .delta(add: [], remove: ids)
        }
    }

    /// The indexed values of a validated Group document and its members (nil when absent).
    static func groupInput(_ resource: JSONValue) throws -> (GroupInput, [MemberInput]?) {
        guard let displayName = resource[attribute: "displayName"]?.stringValue else {
            throw SCIMError.invalidValue("displayName is required")
        }
        let members = resource[attribute: "members"]?.arrayValue?.compactMap(GroupMember.init(json:))
            .map { MemberInput(value: $0.value, type: $0.type) }
        let input = GroupInput(displayName: displayName, externalId: resource[attribute: "externalId"]?.stringValue,
                               resource: ResourceRenderer.storable(resource, dropping: ["members"]))
        return (input, members)
    }
}

import Foundation
import Hummingbird
import IdentityStore
import SCIM

/// `/Users`: create, read, replace, patch, delete and query users.
struct UsersEndpoint<Repository: SCIMRepository>: ResourceEndpoint {
    let repository: Repository
    let registry: SchemaRegistry
    let configuration: SCIMServerConfiguration
    var type: ResourceTypeDefinition { registry.user }
    var renderer: ResourceRenderer { ResourceRenderer(registry: registry) }

    func create(_ input: SCIMOperationInput) async throws -> SCIMResult {
        let normalized = try ResourceValidator().normalizeForCreate(try input.requireBody(), type: type)
        let userInput = try Self.userInput(normalized.resource)
        var hash: String?
        if let password = normalized.password {
            try ConnectCredentialLimit.check(password, attribute: "password")
            hash = try await configuration.passwordHasher.hash(password)
        }
        let user = try await repository.insertUser(userInput, passwordHash: hash, author: input.author)
        return respond(user, input: input, status: .created)
    }

    func get(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        guard let user = try await repository.user(id: id) else { throw SCIMError.notFound("User \(id) not found") }
        if let notModified = SCIMResult.notModified(input, version: user.version) { return notModified }
        return respond(user, input: input, status: .ok)
    }

    func replace(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        let body = try input.requireBody()
        let type = self.type
        return try await modify(id: id, input) { existing in
            try ResourceValidator().normalizeForReplace(body, existing: existing, type: type)
        }
    }

    func patch(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        let request = try PatchRequest(json: try input.requireBody())
        let type = self.type
        return try await modify(id: id, input) { existing in
            let patched = try PatchEngine().apply(request, to: existing, type: type)
            return try ResourceValidator().normalizeForPatch(patched, existing: existing, type: type)
        }
    }

    /// PUT and PATCH: `normalize` turns the stored document into the validated new one. It may
    /// run more than once (see ``SCIMRepository/modifyUser(id:ifMatch:author:_:)``).
    private func modify(
        id: String,
        _ input: SCIMOperationInput,
        normalize: @Sendable (JSONValue) throws -> NormalizedResource
    ) async throws -> SCIMResult {
        let hasher = configuration.passwordHasher
        let user = try await repository.modifyUser(id: id, ifMatch: QuerySupport.expectedVersion(input.ifMatch),
                                                   author: input.author) { current in
            try await Self.update(try normalize(ResourceRenderer.decodeStored(current.resource)), hasher: hasher)
        }
        return respond(user, input: input, status: .ok)
    }

    func delete(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        try await repository.removeUser(id: id, ifMatch: QuerySupport.expectedVersion(input.ifMatch), author: input.author)
        return SCIMResult(status: .noContent, body: nil)
    }

    func query(_ search: SearchRequest, baseURL: String) async throws -> QueryPage<JSONValue> {
        let renderer = self.renderer
        let includeGroups = QuerySupport.needs("groups", search: search, coreURN: SchemaURN.user)
        return try await QuerySupport.query(search, type: type, configuration: configuration) { user in
            renderer.user(user, baseURL: baseURL)
        } fetch: { query, residual in
            try await repository.users(query, includeGroups: includeGroups, residual: residual)
        }
    }

    private func respond(_ user: StoredUser, input: SCIMOperationInput, status: HTTPResponse.Status) -> SCIMResult {
        SCIMResult.resource(renderer.user(user, baseURL: input.baseURL), type: type,
                            location: "\(input.baseURL)/Users/\(user.id)", version: user.version,
                            input: input, status: status)
    }

    static func update(_ normalized: NormalizedResource, hasher: PasswordHasher) async throws -> UserUpdate {
        let input = try userInput(normalized.resource)
        guard let password = normalized.password else { return UserUpdate(input: input, password: .keep) }
        try ConnectCredentialLimit.check(password, attribute: "password")
        return UserUpdate(input: input, password: .set(hash: try await hasher.hash(password)))
    }

    /// The indexed values of a validated User document, its credentials within
    /// ``ConnectCredentialLimit``.
    static func userInput(_ resource: JSONValue) throws -> UserInput {
        guard let userName = resource[attribute: "userName"]?.stringValue else {
            throw SCIMError.invalidValue("userName is required")
        }
        try ConnectCredentialLimit.check(userName, attribute: "userName")
        let emails = resource[attribute: "emails"]?.arrayValue?.compactMap { $0[attribute: "value"]?.stringValue } ?? []
        let nats = resource[attribute: SchemaURN.natsUser]
        // Single-valued strings holding whitespace/comma separated lists (see `ValueList`).
        let nkeys = nats?[attribute: "nkeys"]?.stringValue.map(ValueList.items(in:)) ?? []
        for nkey in nkeys { try ConnectCredentialLimit.check(nkey, attribute: "nkeys") }
        let tags = nats?[attribute: "tags"]?.stringValue.map(ValueList.items(in:)) ?? []
        let lifetime = nats?[attribute: "jwtLifetimeSeconds"]?.integerValue.flatMap { Int(exactly: $0) }
        return UserInput(
            userName: userName,
            externalId: resource[attribute: "externalId"]?.stringValue,
            displayName: resource[attribute: "displayName"]?.stringValue,
            active: resource[attribute: "active"]?.boolValue ?? true,
            emails: emails, nkeys: nkeys, tags: tags, jwtLifetimeSeconds: lifetime,
            resource: ResourceRenderer.storable(resource, dropping: ["groups", "password"]))
    }
}

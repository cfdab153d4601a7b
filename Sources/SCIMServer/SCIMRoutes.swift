import Hummingbird
import IdentityStore
import Logging
import Metrics
import SCIM

/// Mounts the SCIM 2.0 endpoint (RFC 7644) on a router.
public enum SCIMRoutes {
    /// Adds every SCIM route under `configuration.mountPath`, behind metrics, SCIM error mapping
    /// and bearer authentication.
    /// - Parameters:
    ///   - router: the application router (its context carries the token id and the SCIM coder).
    ///   - repository: where users, groups and SCIM tokens are kept.
    ///   - registry: schemas and resource types (from the `Schemas/` documents).
    ///   - configuration: limits and base URL.
    ///   - metricsFactory: where request metrics go (the global default unless injected).
    public static func add<Context: SCIMRequestContextProtocol, Repository: SCIMRepository>(
        to router: Router<Context>,
        repository: Repository,
        registry: SchemaRegistry,
        configuration: SCIMServerConfiguration = .init(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        let users = UsersEndpoint(repository: repository, registry: registry, configuration: configuration)
        let groups = GroupsEndpoint(repository: repository, registry: registry, configuration: configuration)
        let discovery = DiscoveryEndpoint(registry: registry, configuration: configuration)
        let bulk = BulkEndpoint(users: users, groups: groups, configuration: configuration)
        let scim = router.group(RouterPath(configuration.mountPath))
            .add(middleware: SCIMMetricsMiddleware<Context>(factory: metricsFactory, mountPath: configuration.mountPath))
            .add(middleware: SCIMErrorMiddleware<Context>())
            .add(middleware: BearerAuthMiddleware<Context, Repository>(repository: repository))
            .add(middleware: TokenConcurrencyMiddleware<Context>(
                limiter: TokenConcurrencyLimiter(maxPerToken: configuration.maxConcurrentPerToken), factory: metricsFactory))
        let routes = Routes<Context, Repository>(configuration: configuration, users: users, groups: groups)

        // Resources
        for (name, endpoint) in [("Users", ResourceEndpoint.users(users)), ("Groups", .groups(groups))] {
            scim.get(RouterPath(name)) { request, _ in
                let search = try SearchRequest(queryParameters: routes.query(request))
                return try await endpoint.list(search, baseURL: routes.baseURL(request))
            }
            scim.post(RouterPath(name)) { request, context in
                try await endpoint.create(routes.input(request, context: context, body: try await routes.body(request, context: context)))
            }
            scim.post(RouterPath("\(name)/.search")) { request, context in
                let body = try await routes.body(request, context: context)
                return try await endpoint.list(try SearchRequest(json: body), baseURL: routes.baseURL(request))
            }
            scim.get(RouterPath("\(name)/:id")) { request, context in
                try await endpoint.get(id: context.parameters.require("id"), routes.input(request, context: context))
            }
            scim.put(RouterPath("\(name)/:id")) { request, context in
                let body = try await routes.body(request, context: context)
                return try await endpoint.replace(id: context.parameters.require("id"), routes.input(request, context: context, body: body))
            }
            scim.patch(RouterPath("\(name)/:id")) { request, context in
                let body = try await routes.body(request, context: context)
                return try await endpoint.patch(id: context.parameters.require("id"), routes.input(request, context: context, body: body))
            }
            scim.delete(RouterPath("\(name)/:id")) { request, context in
                try await endpoint.delete(id: context.parameters.require("id"), routes.input(request, context: context))
            }
            for method in [HTTPRequest.Method.put, .patch, .delete] {
                scim.on(RouterPath(name), method: method) { _, _ -> Response in
                    throw SCIMError.methodNotAllowed("\(method) is not allowed on /\(name)")
                }
            }
        }

        // Search across resource types
        scim.post(".search") { request, context in
            let body = try await routes.body(request, context: context)
            return try await routes.rootSearch(try SearchRequest(json: body), baseURL: routes.baseURL(request))
        }

        // Bulk
        scim.post("Bulk") { request, context in
            let body = try await routes.body(request, context: context, limit: configuration.bulkMaxPayloadBytes)
            return try await bulk.run(body, baseURL: routes.baseURL(request), tokenId: context.tokenId, logger: context.logger)
        }

        // Discovery
        scim.get("ServiceProviderConfig") { request, _ in
            discovery.serviceProviderConfig(baseURL: routes.baseURL(request))
        }
        scim.get("ResourceTypes") { request, _ in discovery.resourceTypes(baseURL: routes.baseURL(request)) }
        scim.get("ResourceTypes/:id") { request, context in
            try discovery.resourceType(id: context.parameters.require("id"), baseURL: routes.baseURL(request))
        }
        scim.get("Schemas") { request, _ in discovery.schemas(baseURL: routes.baseURL(request)) }
        scim.get("Schemas/:id") { request, context in
            try discovery.schema(id: context.parameters.require("id"), baseURL: routes.baseURL(request))
        }
        for path in ["ServiceProviderConfig", "ResourceTypes", "ResourceTypes/:id", "Schemas", "Schemas/:id"] {
            for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                scim.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw SCIMError.methodNotAllowed("\(method) is not allowed on discovery endpoints")
                }
            }
        }

        // Anything else below the mount point: a SCIM 404, not a bare one.
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            scim.on("**", method: method) { request, _ -> Response in
                throw SCIMError.notFound("no SCIM endpoint at \(request.uri.path)")
            }
        }

        // /Me is not supported: tokens are not tied to a user.
        for path in ["Me", "Me/**"] {
            for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
                scim.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw SCIMError.notImplemented("/Me is not supported")
                }
            }
        }
    }

    /// A router holding only the SCIM routes (tests, or an executable without other routes).
    public static func buildRouter(
        repository: some SCIMRepository,
        registry: SchemaRegistry,
        configuration: SCIMServerConfiguration = .init(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) -> Router<SCIMRequestContext> {
        let router = Router(context: SCIMRequestContext.self)
        add(to: router, repository: repository, registry: registry, configuration: configuration,
            metricsFactory: metricsFactory)
        return router
    }
}

/// Users or groups behind the same route shapes.
enum ResourceEndpoint<Repository: SCIMRepository>: Sendable {
    case users(UsersEndpoint<Repository>)
    case groups(GroupsEndpoint<Repository>)

    func list(_ search: SearchRequest, baseURL: String) async throws -> JSONValue {
        switch self {
        case .users(let e): try await e.list(search, baseURL: baseURL)
        case .groups(let e): try await e.list(search, baseURL: baseURL)
        }
    }

    func create(_ input: SCIMOperationInput) async throws -> SCIMResult {
        switch self {
        case .users(let e): try await e.create(input)
        case .groups(let e): try await e.create(input)
        }
    }

    func get(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        switch self {
        case .users(let e): try await e.get(id: id, input)
        case .groups(let e): try await e.get(id: id, input)
        }
    }

    func replace(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        switch self {
        case .users(let e): try await e.replace(id: id, input)
        case .groups(let e): try await e.replace(id: id, input)
        }
    }

    func patch(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        switch self {
        case .users(let e): try await e.patch(id: id, input)
        case .groups(let e): try await e.patch(id: id, input)
        }
    }

    func delete(id: String, _ input: SCIMOperationInput) async throws -> SCIMResult {
        switch self {
        case .users(let e): try await e.delete(id: id, input)
        case .groups(let e): try await e.delete(id: id, input)
        }
    }
}

/// Request plumbing shared by the route closures.
struct Routes<Context: SCIMRequestContextProtocol, Repository: SCIMRepository>: Sendable {
    let configuration: SCIMServerConfiguration
    let users: UsersEndpoint<Repository>
    let groups: GroupsEndpoint<Repository>

    func baseURL(_ request: Request) -> String {
        if let base = configuration.publicBaseURL { return base }
        let authority = request.head.authority ?? "localhost"
        return "http://\(authority)/\(configuration.mountPath)"
    }

    func query(_ request: Request) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { result[String(key)] = String(value) }
        return result
    }

    /// The body, read by the context's decoder with at most `limit` bytes (`maxBodyBytes` unless given).
    func body(_ request: Request, context: Context, limit: Int? = nil) async throws -> JSONValue {
        var context = context
        context.maxUploadSize = limit ?? configuration.maxBodyBytes
        return try await request.decode(as: JSONValue.self, context: context)
    }

    /// What an operation reads from the request, with the body the route decoded (nil for GET and DELETE).
    func input(_ request: Request, context: Context, body: JSONValue? = nil) -> SCIMOperationInput {
        SCIMOperationInput(baseURL: baseURL(request), query: query(request), body: body,
                           ifMatch: request.headers[.ifMatch], ifNoneMatch: request.headers[.ifNoneMatch],
                           tokenId: context.tokenId)
    }

    /// `POST /.search`: users then groups, paged over the concatenation. A filter that does not
    /// apply to one resource type (e.g. `userName` for groups) matches nothing there.
    func rootSearch(_ search: SearchRequest, baseURL: String) async throws -> JSONValue {
        let pagination = Pagination(startIndex: search.startIndex, count: search.count,
                                    defaultCount: configuration.defaultCount, maximumCount: configuration.maxResults)
        var userSearch = search
        userSearch.startIndex = pagination.startIndex
        userSearch.count = pagination.count
        var pages: [QueryPage<JSONValue>] = []
        var firstError: (any Error)?
        var userTotal = 0
        do {
            let page = try await users.query(userSearch, baseURL: baseURL)
            userTotal = page.totalResults
            pages.append(page)
        } catch let error as SCIMError where error.scimType == .invalidFilter {
            firstError = error
        }
        var groupSearch = search
        groupSearch.startIndex = max(1, pagination.startIndex - userTotal)
        groupSearch.count = max(0, pagination.count - (pages.first?.items.count ?? 0))
        do {
            pages.append(try await groups.query(groupSearch, baseURL: baseURL))
        } catch let error as SCIMError where error.scimType == .invalidFilter {
            if let firstError { throw firstError }
        }
        return QuerySupport.listResponse(total: pages.reduce(0) { $0 + $1.totalResults },
                                         startIndex: pagination.startIndex,
                                         resources: pages.flatMap(\.items))
    }
}

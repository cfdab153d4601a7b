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
        for (name, endpoint) in [("Users", users as any ResourceEndpoint), ("Groups", groups)] {
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

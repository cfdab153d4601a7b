import Hummingbird
import Metrics

/// Counts SCIM requests by resource, method and status, and times them (swift-metrics).
///
/// Takes a metrics factory so nothing is bootstrapped here: the executable decides the backend.
public struct SCIMMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory
    let mountPath: String

    public init(factory: any MetricsFactory = MetricsSystem.factory, mountPath: String) {
        self.factory = factory
        self.mountPath = mountPath
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let resource = Self.resource(of: request.uri.path, mountPath: mountPath)
        let method = request.method.rawValue
        var status = 500
        defer {
            let dimensions = [("resource", resource), ("method", method), ("status", String(status))]
            Counter(label: "scim_requests_total", dimensions: dimensions, factory: factory).increment()
            let elapsed = ContinuousClock.now - start
            Timer(label: "scim_request_duration_seconds", dimensions: [("resource", resource), ("method", method)],
                  factory: factory)
                .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        let response = try await next(request, context)
        status = Int(response.status.code)
        return response
    }

    /// The first path segment below the mount point (`Users`, `Groups`, `Bulk`, …), a bounded label.
    static func resource(of path: String, mountPath: String) -> String {
        var rest = Substring(path.drop { $0 == "/" })
        if rest.hasPrefix(mountPath) { rest = rest.dropFirst(mountPath.count) }
        let first = rest.split(separator: "/").first.map(String.init) ?? ""
        let known = ["Users", "Groups", "Bulk", "ServiceProviderConfig", "ResourceTypes", "Schemas", "Me", ".search"]
        return known.first { $0.lowercased() == first.lowercased() } ?? (first.isEmpty ? "root" : "other")
    }
}

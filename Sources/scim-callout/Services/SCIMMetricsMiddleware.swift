import Hummingbird
import Metrics

/// Counts SCIM requests by resource, method and status, and times them.
///
/// Metrics: `scim_requests_total{resource,method,status}` and
/// `scim_request_duration_seconds{resource,method}`. The resource is the first path segment
/// after `/scim/v2` from a fixed list (anything else is `other`), so a client cannot blow up
/// the number of series with made-up paths.
struct SCIMMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    static var knownResources: Set<String> {
        ["Users", "Groups", "ServiceProviderConfig", "Schemas", "ResourceTypes", "Bulk", "Me", ".search"]
    }
    let factory: any MetricsFactory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let resource = Self.resource(of: request.uri.path)
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            record(resource: resource, method: method, status: response.status.code, since: start)
            return response
        } catch let error as any HTTPResponseError {
            record(resource: resource, method: method, status: error.status.code, since: start)
            throw error
        } catch {
            record(resource: resource, method: method, status: 500, since: start)
            throw error
        }
    }

    private func record(resource: String, method: String, status: Int, since start: ContinuousClock.Instant) {
        Counter(label: "scim_requests_total",
                dimensions: [("resource", resource), ("method", method), ("status", String(status))],
                factory: factory).increment()
        Metrics.Timer(label: "scim_request_duration_seconds",
                      dimensions: [("resource", resource), ("method", method)],
                      factory: factory).record(duration: start.duration(to: .now))
    }

    static func resource(of path: String) -> String {
        let segments = path.split(separator: "/")
        guard let index = segments.firstIndex(of: "v2"), index + 1 < segments.count else { return "root" }
        let name = String(segments[index + 1])
        return knownResources.contains(name) ? name : "other"
    }
}

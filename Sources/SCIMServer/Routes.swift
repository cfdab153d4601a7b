import Hummingbird
import IdentityStore
import SCIM

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

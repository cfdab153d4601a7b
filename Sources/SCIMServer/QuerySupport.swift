import IdentityStore
import SCIM

/// Shared pieces of list/search handling.
enum QuerySupport {
    /// Whether a response projection (or the filter) needs `name` (e.g. `members`, `groups`).
    static func needs(_ name: String, search: SearchRequest, coreURN: String) -> Bool {
        let lower = name.lowercased()
        func names(_ list: [String]) -> Bool {
            list.contains { entry in
                var text = entry.lowercased()
                if text.hasPrefix(coreURN.lowercased() + ":") { text = String(text.dropFirst(coreURN.count + 1)) }
                return text == lower || text.hasPrefix(lower + ".")
            }
        }
        if let filter = search.filter, filter.description.lowercased().contains(lower) { return true }
        if names(search.excludedAttributes) { return false }
        if !search.attributes.isEmpty { return names(search.attributes) }
        return true
    }

    /// The repository query for a search: filter (already checked), sort attribute resolved to
    /// canonical names, pagination capped at `maxResults`.
    static func resourceQuery(
        _ search: SearchRequest, type: ResourceTypeDefinition, configuration: SCIMServerConfiguration
    ) throws -> ResourceQuery {
        let pagination = Pagination(startIndex: search.startIndex, count: search.count,
                                    defaultCount: configuration.defaultCount, maximumCount: configuration.maxResults)
        var sort: SortAttribute?
        var ascending = true
        if let spec = try SortSpec.parse(sortBy: search.sortBy, sortOrder: search.sortOrder, type: type) {
            ascending = spec.ascending
            if let resolved = type.resolve(spec.path), let attribute = resolved.attribute {
                let isExtension = type.isExtension(resolved.schema)
                sort = SortAttribute(schema: isExtension ? resolved.schema.id : nil, attribute: attribute.name,
                                     subAttribute: resolved.subAttribute?.name, isMultiValued: attribute.multiValued)
            }
        }
        return ResourceQuery(filter: search.filter, sortBy: sort, ascending: ascending,
                             startIndex: pagination.startIndex, count: pagination.count)
    }

    /// Runs a search over one resource type: `fetch` gets the repository query and a residual
    /// check that evaluates the filter on the `render`ed document; each result is projected.
    static func query<Resource: Sendable>(
        _ search: SearchRequest,
        type: ResourceTypeDefinition,
        configuration: SCIMServerConfiguration,
        render: @escaping @Sendable (Resource) -> JSONValue,
        fetch: (ResourceQuery, _ residual: @escaping @Sendable (Resource) throws -> Bool) async throws
            -> QueryPage<Resource>
    ) async throws -> QueryPage<JSONValue> {
        let compiled = try search.filter.map { filter throws(SCIMError) in try FilterEvaluator(type: type).compile(filter) }
        let query = try resourceQuery(search, type: type, configuration: configuration)
        let page = try await fetch(query) { resource in
            guard let compiled else { return true }
            return compiled.matches(render(resource))
        }
        return QueryPage(totalResults: page.totalResults, startIndex: page.startIndex, items: page.items.map {
            Projection.apply(attributes: search.attributes, excludedAttributes: search.excludedAttributes,
                             to: render($0), type: type)
        })
    }

    /// A `ListResponse` document.
    static func listResponse(total: Int, startIndex: Int, resources: [JSONValue]) -> JSONValue {
        ListResponse(totalResults: total, startIndex: startIndex, resources: resources).jsonBody
    }

    /// `attributes`/`excludedAttributes` from the query string of a single-resource request.
    static func projection(_ query: [String: String]) -> (attributes: [String], excluded: [String]) {
        func value(_ name: String) -> String? { query.first { $0.key.lowercased() == name.lowercased() }?.value }
        return (Projection.names(fromParameter: value("attributes")),
                Projection.names(fromParameter: value("excludedAttributes")))
    }

    /// The version in an `If-Match` header, for the repository's compare-and-set; nil for `*`.
    /// A tag that can never match (not one of our integer versions) yields -1.
    static func expectedVersion(_ ifMatch: String?) -> Int64? {
        guard let ifMatch, !ifMatch.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        if ifMatch.trimmingCharacters(in: .whitespaces) == "*" { return nil }
        let tags = ifMatch.split(separator: ",").compactMap { Int64(ETag.opaqueValue(String($0))) }
        return tags.first ?? -1
    }
}

import Foundation
import GRDB
import SCIM

extension IdentityDatabase {
    /// Lists users matching `query`.
    ///
    /// Indexed parts of the filter run in SQL; when the filter is not fully indexed, the SQL
    /// candidates stream through `residual` (the SCIM layer's `FilterEvaluator`) one at a time, so
    /// memory stays bounded even when scanning every user.
    /// - Parameters:
    ///   - includeGroups: load `groups` for each result (needed when rendering or filtering on them).
    ///   - residual: decides candidates the SQL condition does not settle.
    public func users(
        _ query: ResourceQuery,
        includeGroups: Bool = true,
        residual: @Sendable (StoredUser) throws -> Bool
    ) async throws -> QueryPage<StoredUser> {
        try await search(query, in: UserRecord.self, kind: .user, residual: residual) { record, db in
            StoredUser(record, groups: includeGroups ? try Self.groupRefs(db, memberId: record.id) : nil)
        }
    }

    /// Lists groups matching `query`.
    /// - Parameter includeMembers: load members (false for `excludedAttributes=members`).
    public func groups(
        _ query: ResourceQuery,
        includeMembers: Bool = true,
        residual: @Sendable (StoredGroup) throws -> Bool
    ) async throws -> QueryPage<StoredGroup> {
        try await search(query, in: GroupRecord.self, kind: .group, residual: residual) { record, db in
            StoredGroup(record, members: includeMembers ? try Self.members(db, groupId: record.id) : nil)
        }
    }

    /// Users for CLI views, by creation order (no filter evaluation).
    public func users(startIndex: Int = 1, count: Int = 100) async throws -> QueryPage<StoredUser> {
        try await users(ResourceQuery(startIndex: startIndex, count: count), includeGroups: true) { _ in true }
    }

    /// Groups for CLI views, by creation order, without members.
    public func groups(startIndex: Int = 1, count: Int = 100) async throws -> QueryPage<StoredGroup> {
        try await groups(ResourceQuery(startIndex: startIndex, count: count), includeMembers: false) { _ in true }
    }

    // MARK: - Helpers

    /// Runs `query` over `Record`'s table: the filter's SQL condition and the sort order in
    /// SQL, then `residual` on each match `load` builds (unless the condition is the filter).
    private func search<Record: FetchableRecord & TableRecord, Element: Sendable>(
        _ query: ResourceQuery,
        in _: Record.Type,
        kind: ResourceKind,
        residual: @Sendable (Element) throws -> Bool,
        load: @Sendable (Record, Database) throws -> Element
    ) async throws -> QueryPage<Element> {
        let plan = FilterSQLCompiler(kind: kind).plan(query.filter)
        return try await writer.read { db in
            var request = Record.all()
            if let condition = plan.condition { request = request.filter(condition) }
            request = request.order(Self.orderings(query, kind: kind))
            return try Self.page(db, request: request, query: query, exact: plan.isExact, load: load, residual: residual)
        }
    }

    static func page<Record: FetchableRecord & TableRecord, Element: Sendable>(
        _ db: Database,
        request: QueryInterfaceRequest<Record>,
        query: ResourceQuery,
        exact: Bool,
        load: (Record, Database) throws -> Element,
        residual: (Element) throws -> Bool
    ) throws -> QueryPage<Element> {
        let start = max(1, query.startIndex)
        let count = max(0, query.count)
        if exact {
            let total = try request.fetchCount(db)
            guard count > 0 else { return QueryPage(totalResults: total, startIndex: start, items: []) }
            let records = try request.limit(count, offset: start - 1).fetchAll(db)
            return QueryPage(totalResults: total, startIndex: start, items: try records.map { try load($0, db) })
        }
        var total = 0
        var items: [Element] = []
        let cursor = try request.fetchCursor(db)
        while let record = try cursor.next() {
            let element = try load(record, db)
            guard try residual(element) else { continue }
            total += 1
            if total >= start, items.count < count { items.append(element) }
        }
        return QueryPage(totalResults: total, startIndex: start, items: items)
    }

    static func orderings(_ query: ResourceQuery, kind: ResourceKind) -> [any SQLOrderingTerm] {
        let stable = Column.rowID
        guard let key = query.sortBy else { return [stable] }
        let expression = sortExpression(key, kind: kind)
        let direction = query.ascending ? expression.asc : expression.desc
        // Resources without the attribute sort last either way.
        return [SQL("\(expression) IS NULL").sqlExpression, direction, stable]
    }

    static func sortExpression(_ key: SortAttribute, kind: ResourceKind) -> SQLExpression {
        let name = key.attribute.lowercased()
        let sub = key.subAttribute?.lowercased()
        if key.schema == nil {
            switch (kind, name, sub) {
            case (_, "id", nil): return Column("id").sqlExpression
            case (_, "externalid", nil): return Column("external_id").sqlExpression
            case (_, "meta", "created"): return Column("created").sqlExpression
            case (_, "meta", "lastmodified"): return Column("last_modified").sqlExpression
            case (_, "displayname", nil): return Column("display_name_key").sqlExpression
            case (.user, "username", nil): return Column("user_name_key").sqlExpression
            case (.user, "active", nil): return Column("active").sqlExpression
            default: break
            }
        }
        // Anything else sorts by its value in the resource JSON (path bound as an argument).
        var path = "$"
        if let schema = key.schema { path += ".\"\(schema)\"" }
        path += ".\"\(key.attribute)\""
        if key.isMultiValued { path += "[0]" }
        if let sub = key.subAttribute { path += ".\"\(sub)\"" }
        return SQL("json_extract(resource, \(path))").sqlExpression
    }
}

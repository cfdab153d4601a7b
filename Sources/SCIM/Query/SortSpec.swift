/// `sortBy` / `sortOrder` (RFC 7644 §3.4.2.3).
public struct SortSpec: Sendable, Hashable {
    /// The attribute sorted on, resolved against the resource type.
    public var path: AttributePath
    public var ascending: Bool
    let accessor: SortAccessor

    /// Parses the query parameters; `nil` when `sortBy` is absent.
    ///
    /// - Throws: 400 `invalidValue` for an unknown or unsortable attribute or a `sortOrder`
    ///   other than `ascending`/`descending`.
    public static func parse(sortBy: String?, sortOrder: String?, type: ResourceTypeDefinition) throws(SCIMError)
        -> SortSpec?
    {
        var ascending = true
        if let sortOrder, !sortOrder.isEmpty {
            switch sortOrder.lowercased() {
            case "ascending": ascending = true
            case "descending": ascending = false
            default: throw .invalidValue("sortOrder must be 'ascending' or 'descending'")
            }
        }
        guard let sortBy, !sortBy.trimmingSpaces().isEmpty else { return nil }
        guard let path = AttributePath.splitSimple(sortBy.trimmingSpaces()), let resolved = type.resolve(path),
            let attribute = resolved.attribute
        else {
            throw .invalidValue("cannot sort by unknown attribute '\(sortBy.prefix(100))'")
        }
        guard attribute.returned != .never else {
            throw .invalidValue("cannot sort by '\(sortBy.prefix(100))'")
        }
        var target = resolved.subAttribute ?? attribute
        var subName = resolved.subAttribute?.name
        if target.type == .complex {
            // Sorting by a complex attribute sorts by its `value` (emails → primary email).
            guard let value = attribute.subAttribute(named: "value") else {
                throw .invalidValue("cannot sort by complex attribute '\(sortBy.prefix(100))'")
            }
            target = value
            subName = value.name
        }
        let accessor = SortAccessor(
            container: type.isExtension(resolved.schema) ? resolved.schema.id : nil,
            attribute: attribute.name,
            subAttribute: subName,
            caseExact: target.caseExact,
            isDateTime: target.type == .dateTime
        )
        return SortSpec(path: path, ascending: ascending, accessor: accessor)
    }

    /// The value a resource sorts by (for multi-valued attributes, the primary or else first
    /// value); `nil` when it has none.
    public func key(for resource: JSONValue) -> SortKey? {
        accessor.key(for: resource)
    }

    /// Whether `left` sorts before `right`. Resources without a value sort last in either
    /// order; ties keep their `id` order so paging is stable.
    public func areInIncreasingOrder(_ left: JSONValue, _ right: JSONValue) -> Bool {
        let leftKey = key(for: left)
        let rightKey = key(for: right)
        switch (leftKey, rightKey) {
        case (nil, nil): break
        case (nil, _): return false
        case (_, nil): return true
        case (let l?, let r?):
            if l != r { return ascending ? l < r : r < l }
        }
        return (left[attribute: "id"]?.stringValue ?? "") < (right[attribute: "id"]?.stringValue ?? "")
    }

    /// `resources` sorted by this spec.
    public func sorted(_ resources: [JSONValue]) -> [JSONValue] {
        resources.sorted(by: areInIncreasingOrder)
    }
}

/// A comparable sort key.
public enum SortKey: Sendable, Hashable, Comparable {
    case bool(Bool)
    case number(Double)
    /// Lowercased when the attribute is not case-exact.
    case string(String)

    public static func < (left: SortKey, right: SortKey) -> Bool {
        switch (left, right) {
        case (.bool(let l), .bool(let r)): return !l && r
        case (.number(let l), .number(let r)): return l < r
        case (.string(let l), .string(let r)): return l < r
        default: return left.rank < right.rank
        }
    }

    private var rank: Int {
        switch self {
        case .bool: 0
        case .number: 1
        case .string: 2
        }
    }
}

struct SortAccessor: Sendable, Hashable {
    var container: String?
    var attribute: String
    var subAttribute: String?
    var caseExact: Bool
    var isDateTime: Bool

    func key(for resource: JSONValue) -> SortKey? {
        var base = resource
        if let container {
            guard let object = resource[attribute: container] else { return nil }
            base = object
        }
        guard var value = base[attribute: attribute] else { return nil }
        if case .array(let elements) = value {
            guard let chosen = elements.first(where: { $0[attribute: "primary"] == .bool(true) }) ?? elements.first
            else { return nil }
            value = chosen
        }
        if let subAttribute {
            guard let inner = value[attribute: subAttribute] else { return nil }
            value = inner
        }
        switch value {
        case .bool(let bool): return .bool(bool)
        case .integer(let integer): return .number(Double(integer))
        case .decimal(let double): return .number(double)
        case .string(let string):
            if isDateTime, let date = SCIMDateTime.parse(string) { return .number(date.timeIntervalSince1970) }
            return .string(caseExact ? string : string.lowercased())
        default: return nil
        }
    }
}

/// A query: from URL parameters of `GET /Users` or the body of `POST /.search`
/// (RFC 7644 §3.4.3), parsed but not yet resolved against a resource type.
public struct SearchRequest: Sendable, Hashable {
    public var filter: Filter?
    public var attributes: [String]
    public var excludedAttributes: [String]
    public var sortBy: String?
    public var sortOrder: String?
    public var startIndex: Int?
    public var count: Int?

    public init(
        filter: Filter? = nil,
        attributes: [String] = [],
        excludedAttributes: [String] = [],
        sortBy: String? = nil,
        sortOrder: String? = nil,
        startIndex: Int? = nil,
        count: Int? = nil
    ) {
        self.filter = filter
        self.attributes = attributes
        self.excludedAttributes = excludedAttributes
        self.sortBy = sortBy
        self.sortOrder = sortOrder
        self.startIndex = startIndex
        self.count = count
    }

    /// Reads URL query parameters (names matched case-insensitively).
    ///
    /// - Throws: 400 `invalidFilter` for a bad filter, 400 `invalidValue` for non-integer
    ///   `startIndex`/`count`.
    public init(queryParameters: [String: String]) throws(SCIMError) {
        func parameter(_ name: String) -> String? {
            queryParameters.first { $0.key.caseInsensitiveEquals(name) }?.value
        }
        func integer(_ name: String) throws(SCIMError) -> Int? {
            guard let text = parameter(name)?.trimmingSpaces(), !text.isEmpty else { return nil }
            guard let value = Int(text) else { throw .invalidValue("'\(name)' must be an integer") }
            return value
        }
        var filter: Filter?
        if let text = parameter("filter"), !text.trimmingSpaces().isEmpty {
            filter = try Filter.parse(text)
        }
        self.init(
            filter: filter,
            attributes: Projection.names(fromParameter: parameter("attributes")),
            excludedAttributes: Projection.names(fromParameter: parameter("excludedAttributes")),
            sortBy: parameter("sortBy"),
            sortOrder: parameter("sortOrder"),
            startIndex: try integer("startIndex"),
            count: try integer("count")
        )
    }

    /// Reads a SearchRequest message body.
    public init(json: JSONValue) throws(SCIMError) {
        guard case .object = json else { throw .invalidSyntax("search body must be a JSON object") }
        func names(_ key: String) throws(SCIMError) -> [String] {
            guard let value = json[attribute: key], !value.isNull else { return [] }
            if case .string(let text) = value { return Projection.names(fromParameter: text) }
            guard let array = value.arrayValue else { throw .invalidValue("'\(key)' must be an array of strings") }
            var result: [String] = []
            for element in array {
                guard let text = element.stringValue else { throw .invalidValue("'\(key)' must be an array of strings") }
                result.append(text)
            }
            return result
        }
        func string(_ key: String) throws(SCIMError) -> String? {
            guard let value = json[attribute: key], !value.isNull else { return nil }
            guard let text = value.stringValue else { throw .invalidValue("'\(key)' must be a string") }
            return text
        }
        func integer(_ key: String) throws(SCIMError) -> Int? {
            guard let value = json[attribute: key], !value.isNull else { return nil }
            switch value {
            case .integer(let integer) where integer >= Int64(Int32.min) && integer <= Int64(Int32.max):
                return Int(integer)
            case .string(let text):
                if let integer = Int(text) { return integer }
            default: break
            }
            throw .invalidValue("'\(key)' must be an integer")
        }
        var filter: Filter?
        if let text = try string("filter"), !text.trimmingSpaces().isEmpty {
            filter = try Filter.parse(text)
        }
        self.init(
            filter: filter,
            attributes: try names("attributes"),
            excludedAttributes: try names("excludedAttributes"),
            sortBy: try string("sortBy"),
            sortOrder: try string("sortOrder"),
            startIndex: try integer("startIndex"),
            count: try integer("count")
        )
    }
}

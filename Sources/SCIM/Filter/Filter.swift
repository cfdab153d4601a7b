/// A SCIM filter expression (RFC 7644 §3.4.2.2) as an abstract syntax tree.
public indirect enum Filter: Sendable, Hashable {
    /// `path op value`, e.g. `userName eq "bjensen"`.
    case comparison(AttributePath, CompareOperator, JSONValue)
    /// `path pr`.
    case present(AttributePath)
    case and(Filter, Filter)
    case or(Filter, Filter)
    case not(Filter)
    /// `path[filter]`: some element of the multi-valued attribute at `path` matches `filter`,
    /// whose paths are relative to that element.
    case valuePath(AttributePath, Filter)

    /// The longest filter text accepted.
    public static let maximumLength = 8 * 1024
    /// The deepest parenthesis / `not` nesting accepted.
    public static let maximumNesting = 32
    /// The most comparisons one filter may contain.
    public static let maximumTerms = 256

    /// Parses filter text.
    ///
    /// - Throws: 400 `invalidFilter` for any syntax error or when a limit is exceeded.
    public static func parse(_ text: String) throws(SCIMError) -> Filter {
        var parser = try FilterParser(text)
        return try parser.parseWholeFilter()
    }
}

/// A SCIM comparison operator; `pr` is ``Filter/present(_:)``.
public enum CompareOperator: String, Sendable, Hashable, CaseIterable {
    case eq, ne, co, sw, ew, gt, ge, lt, le

    /// Whether the operator orders values (`gt ge lt le`), which booleans and binaries reject.
    public var isOrdering: Bool {
        switch self {
        case .gt, .ge, .lt, .le: true
        default: false
        }
    }

    /// Whether the operator is a substring test (`co sw ew`).
    public var isSubstring: Bool {
        switch self {
        case .co, .sw, .ew: true
        default: false
        }
    }
}

extension Filter: CustomStringConvertible {
    /// The filter in SCIM syntax, fully parenthesised for `and`/`or`.
    public var description: String {
        switch self {
        case .comparison(let path, let op, let value):
            return "\(path) \(op.rawValue) \(value.encodedString())"
        case .present(let path):
            return "\(path) pr"
        case .and(let left, let right):
            return "(\(left) and \(right))"
        case .or(let left, let right):
            return "(\(left) or \(right))"
        case .not(let inner):
            return "not (\(inner))"
        case .valuePath(let path, let inner):
            return "\(path)[\(inner)]"
        }
    }
}

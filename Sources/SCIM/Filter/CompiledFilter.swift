import Foundation

/// A filter checked against a schema, ready to evaluate without further errors.
public struct CompiledFilter: Sendable {
    /// Where a compared value lives in a resource (or in one element of a value filter).
    struct Accessor: Sendable {
        /// The extension URN whose object holds the attribute; `nil` for core attributes.
        var container: String?
        var attribute: String
        var subAttribute: String?

        /// Every value at this location, with multi-valued attributes flattened.
        func values(in resource: JSONValue) -> [JSONValue] {
            guard let value = attributeValue(in: resource) else { return [] }
            let top = value.arrayValue ?? [value]
            guard let subAttribute else { return top.filter { !$0.isNull } }
            var result: [JSONValue] = []
            for element in top {
                guard let inner = element[attribute: subAttribute] else { continue }
                result.append(contentsOf: (inner.arrayValue ?? [inner]).filter { !$0.isNull })
            }
            return result
        }

        /// The elements of a multi-valued complex attribute (for value filters).
        func elements(in resource: JSONValue) -> [JSONValue] {
            guard let value = attributeValue(in: resource) else { return [] }
            return value.arrayValue ?? [value]
        }

        /// The attribute as it stands in the resource (inside its extension's object when it has
        /// one), or nil when absent.
        private func attributeValue(in resource: JSONValue) -> JSONValue? {
            if let container {
                return resource[attribute: container]?[attribute: attribute]
            }
            return resource[attribute: attribute]
        }
    }

    enum Operand: Sendable {
        /// Already lowercased when not case-exact.
        case string(String, caseExact: Bool)
        case bool(Bool)
        case number(Double)
        case date(Date)
    }

    indirect enum Node: Sendable {
        case compare(Accessor, CompareOperator, Operand)
        case present(Accessor)
        case and(Node, Node)
        case or(Node, Node)
        case not(Node)
        case any(Accessor, Node)
    }

    let root: Node

    /// Whether `resource` matches.
    public func matches(_ resource: JSONValue) -> Bool {
        Self.evaluate(root, resource)
    }

    private static func evaluate(_ node: Node, _ resource: JSONValue) -> Bool {
        switch node {
        case .and(let left, let right):
            return evaluate(left, resource) && evaluate(right, resource)
        case .or(let left, let right):
            return evaluate(left, resource) || evaluate(right, resource)
        case .not(let inner):
            return !evaluate(inner, resource)
        case .present(let accessor):
            return accessor.values(in: resource).contains { isPresent($0) }
        case .any(let accessor, let inner):
            return accessor.elements(in: resource).contains { evaluate(inner, $0) }
        case .compare(let accessor, let op, let operand):
            return accessor.values(in: resource).contains { compare($0, op, operand) }
        }
    }

    /// RFC 7644 §3.4.2.2 `pr`: non-empty, non-null.
    private static func isPresent(_ value: JSONValue) -> Bool {
        switch value {
        case .null: false
        case .string(let string): !string.isEmpty
        case .array(let elements): !elements.isEmpty
        case .object(let members): !members.isEmpty
        default: true
        }
    }

    private static func compare(_ value: JSONValue, _ op: CompareOperator, _ operand: Operand) -> Bool {
        switch operand {
        case .string(let expected, let caseExact):
            guard case .string(let raw) = value else { return false }
            let actual = caseExact ? raw : raw.lowercased()
            switch op {
            case .eq: return actual == expected
            case .ne: return actual != expected
            case .co: return expected.isEmpty || actual.contains(expected)
            case .sw: return actual.hasPrefix(expected)
            case .ew: return actual.hasSuffix(expected)
            case .gt: return actual > expected
            case .ge: return actual >= expected
            case .lt: return actual < expected
            case .le: return actual <= expected
            }
        case .bool(let expected):
            guard case .bool(let actual) = value else { return false }
            return op == .ne ? actual != expected : actual == expected
        case .number(let expected):
            let actual: Double
            switch value {
            case .integer(let integer): actual = Double(integer)
            case .decimal(let double): actual = double
            default: return false
            }
            return order(actual, expected, op)
        case .date(let expected):
            guard case .string(let raw) = value, let actual = SCIMDateTime.parse(raw) else { return false }
            return order(actual, expected, op)
        }
    }

    private static func order<T: Comparable>(_ actual: T, _ expected: T, _ op: CompareOperator) -> Bool {
        switch op {
        case .eq: actual == expected
        case .ne: actual != expected
        case .gt: actual > expected
        case .ge: actual >= expected
        case .lt: actual < expected
        case .le: actual <= expected
        case .co, .sw, .ew: false
        }
    }
}

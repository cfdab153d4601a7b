import Foundation

/// Evaluates filters against resources of one resource type, following each attribute's
/// schema: `caseExact` decides string comparison, dateTimes compare as instants, numbers
/// numerically, and a multi-valued attribute matches when any of its values matches.
///
/// Semantics chosen where RFC 7644 is silent (the store's SQL compilation must agree):
/// - `ne` is the negation of `eq`, so a resource without the attribute matches `ne`.
/// - `eq null` matches when the attribute is absent, `ne null` when it is present.
/// - A complex attribute compared without a sub-attribute (`emails co "@x"`) compares its
///   `value` sub-attribute.
/// - Unknown attributes, type mismatches (`active eq "yes"`) and ordering operators on
///   booleans or binaries are `invalidFilter`, never "no match".
public struct FilterEvaluator: Sendable {
    public let type: ResourceTypeDefinition

    public init(type: ResourceTypeDefinition) {
        self.type = type
    }

    /// Checks `filter` against the schema and prepares it for repeated evaluation.
    ///
    /// - Throws: 400 `invalidFilter` naming the offending attribute or operator.
    public func compile(_ filter: Filter) throws(SCIMError) -> CompiledFilter {
        CompiledFilter(root: try compile(filter, within: nil))
    }

    /// Whether `resource` matches `filter`.
    public func matches(_ filter: Filter, _ resource: JSONValue) throws(SCIMError) -> Bool {
        try compile(filter).matches(resource)
    }

    // MARK: Compilation

    func compileRelative(_ filter: Filter, within parent: SchemaAttribute) throws(SCIMError) -> CompiledFilter.Node {
        try compile(filter, within: parent)
    }

    /// `within` is the complex attribute whose elements a value filter's paths are relative to.
    private func compile(_ filter: Filter, within parent: SchemaAttribute?) throws(SCIMError) -> CompiledFilter.Node {
        switch filter {
        case .and(let left, let right):
            return .and(try compile(left, within: parent), try compile(right, within: parent))
        case .or(let left, let right):
            return .or(try compile(left, within: parent), try compile(right, within: parent))
        case .not(let inner):
            return .not(try compile(inner, within: parent))
        case .present(let path):
            let (accessor, _) = try resolve(path, within: parent, forComparison: false)
            return .present(accessor)
        case .comparison(let path, let op, let value):
            let (accessor, definition) = try resolve(path, within: parent, forComparison: true)
            return try comparison(accessor, definition, op, value, path: path)
        case .valuePath(let path, let inner):
            guard parent == nil else { throw .invalidFilter("value filters cannot be nested") }
            let (accessor, definition) = try resolve(path, within: nil, forComparison: false)
            guard definition.type == .complex, accessor.subAttribute == nil else {
                throw .invalidFilter("'\(path)' is not a complex attribute and cannot take a value filter")
            }
            return .any(accessor, try compile(inner, within: definition))
        }
    }

    private func resolve(_ path: AttributePath, within parent: SchemaAttribute?, forComparison: Bool)
        throws(SCIMError) -> (CompiledFilter.Accessor, SchemaAttribute)
    {
        if let parent {
            guard path.schema == nil, path.subAttribute == nil, path.valueFilter == nil,
                let definition = parent.subAttribute(named: path.attribute)
            else {
                throw .invalidFilter("'\(path)' is not a sub-attribute of '\(parent.name)'")
            }
            return (CompiledFilter.Accessor(container: nil, attribute: definition.name, subAttribute: nil), definition)
        }
        guard let resolved = type.resolve(path), let attribute = resolved.attribute else {
            throw .invalidFilter("unknown attribute '\(path)'")
        }
        // Never-returned attributes (password) cannot be probed through filters either.
        guard attribute.returned != .never, resolved.subAttribute?.returned != .never else {
            throw .invalidFilter("'\(path)' cannot be filtered on")
        }
        let container = type.isExtension(resolved.schema) ? resolved.schema.id : nil
        if let subAttribute = resolved.subAttribute {
            return (.init(container: container, attribute: attribute.name, subAttribute: subAttribute.name), subAttribute)
        }
        if forComparison, attribute.type == .complex {
            guard let valueDefinition = attribute.subAttribute(named: "value") else {
                throw .invalidFilter("'\(path)' is complex; compare one of its sub-attributes")
            }
            return (.init(container: container, attribute: attribute.name, subAttribute: "value"), valueDefinition)
        }
        return (.init(container: container, attribute: attribute.name, subAttribute: nil), attribute)
    }

    private func comparison(
        _ accessor: CompiledFilter.Accessor,
        _ definition: SchemaAttribute,
        _ op: CompareOperator,
        _ value: JSONValue,
        path: AttributePath
    ) throws(SCIMError) -> CompiledFilter.Node {
        if value.isNull {
            switch op {
            case .eq: return .not(.present(accessor))
            case .ne: return .present(accessor)
            default: throw .invalidFilter("'\(op.rawValue)' cannot compare with null")
            }
        }
        let operand: CompiledFilter.Operand
        switch definition.type {
        case .string, .reference, .binary:
            guard case .string(let string) = value else {
                throw .invalidFilter("'\(path)' is a string; compare it with a string")
            }
            if definition.type == .binary, op.isOrdering {
                throw .invalidFilter("'\(op.rawValue)' is not defined for binary '\(path)'")
            }
            operand = .string(definition.caseExact ? string : string.lowercased(), caseExact: definition.caseExact)
        case .boolean:
            guard !op.isOrdering, !op.isSubstring else {
                throw .invalidFilter("'\(op.rawValue)' is not defined for boolean '\(path)'")
            }
            guard case .bool(let bool) = value else {
                throw .invalidFilter("'\(path)' is a boolean; compare it with true or false")
            }
            operand = .bool(bool)
        case .integer, .decimal:
            guard !op.isSubstring else {
                throw .invalidFilter("'\(op.rawValue)' is not defined for numeric '\(path)'")
            }
            switch value {
            case .integer(let integer): operand = .number(Double(integer))
            case .decimal(let double): operand = .number(double)
            default: throw .invalidFilter("'\(path)' is numeric; compare it with a number")
            }
        case .dateTime:
            guard case .string(let string) = value else {
                throw .invalidFilter("'\(path)' is a dateTime; compare it with a dateTime string")
            }
            if op.isSubstring {
                operand = .string(string, caseExact: true)
            } else {
                guard let date = SCIMDateTime.parse(string) else {
                    throw .invalidFilter("'\(string.prefix(64))' is not a valid dateTime")
                }
                operand = .date(date)
            }
        case .complex:
            throw .invalidFilter("'\(path)' is complex; compare one of its sub-attributes")
        }
        if op == .ne {
            return .not(.compare(accessor, .eq, operand))
        }
        return .compare(accessor, op, operand)
    }
}

extension FilterEvaluator {
    /// Compiles a value filter whose paths are relative to the elements of `attribute`
    /// (`type eq "work"` inside `emails[…]`).
    public func compileValueFilter(_ filter: Filter, for attribute: SchemaAttribute) throws(SCIMError)
        -> CompiledFilter
    {
        guard attribute.type == .complex else {
            throw .invalidFilter("'\(attribute.name)' is not complex and cannot take a value filter")
        }
        return CompiledFilter(root: try compileRelative(filter, within: attribute))
    }

    /// Compiles a filter over `members` elements of this (Group) resource type.
    public func compileMemberFilter(_ filter: Filter) throws(SCIMError) -> CompiledFilter {
        guard let members = type.schema.attribute(named: "members") else {
            throw .invalidFilter("\(type.name) has no members")
        }
        return try compileValueFilter(filter, for: members)
    }
}

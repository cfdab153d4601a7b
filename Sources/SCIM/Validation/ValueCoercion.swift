import Foundation

/// Schema-driven checking and coercion of attribute values, shared by the validator and the
/// PATCH engine so both accept exactly the same inputs.
enum ValueCoercion {
    /// Coerces the value of `definition` (whole attribute: array for multi-valued).
    ///
    /// - Returns: `nil` when the value means "unassigned" (`null`, `[]`, `{}` after dropping
    ///   readOnly sub-attributes).
    /// - Throws: 400 `invalidValue` naming `name` for a wrong type or unknown sub-attribute.
    static func coerce(_ value: JSONValue, as definition: SchemaAttribute, name: String) throws(SCIMError) -> JSONValue? {
        if value.isNull { return nil }
        guard definition.multiValued else {
            if case .array(let elements) = value {
                // A one-element array for a single-valued attribute is a common client slip.
                guard elements.count <= 1 else {
                    throw .invalidValue("'\(name)' is single-valued but got \(elements.count) values")
                }
                guard let only = elements.first else { return nil }
                return try coerceSingle(only, as: definition, name: name)
            }
            return try coerceSingle(value, as: definition, name: name)
        }
        let elements = value.arrayValue ?? [value]
        var result: [JSONValue] = []
        // A set keeps de-duplication linear for groups with thousands of members.
        var seen = Set<JSONValue>()
        for element in elements {
            if let coerced = try coerceElement(element, as: definition, name: name), seen.insert(coerced).inserted {
                result.append(coerced)
            }
        }
        return result.isEmpty ? nil : .array(result)
    }

    /// Coerces one element of a multi-valued attribute, checking required sub-attributes.
    static func coerceElement(_ value: JSONValue, as definition: SchemaAttribute, name: String) throws(SCIMError)
        -> JSONValue?
    {
        if value.isNull { return nil }
        guard let coerced = try coerceSingle(value, as: definition, name: name) else { return nil }
        if definition.type == .complex {
            for sub in definition.subAttributes where sub.required && !sub.isReadOnly {
                guard coerced[attribute: sub.name] != nil else {
                    throw .invalidValue("each '\(name)' value needs '\(sub.name)'")
                }
            }
        }
        return coerced
    }

    /// Coerces one value of the attribute's type (not an array).
    static func coerceSingle(_ value: JSONValue, as definition: SchemaAttribute, name: String) throws(SCIMError)
        -> JSONValue?
    {
        if value.isNull { return nil }
        switch definition.type {
        case .string, .reference:
            guard case .string = value else { throw typeError(name, definition, value) }
            return value
        case .binary:
            guard case .string(let text) = value, Data(base64Encoded: text) != nil else {
                throw .invalidValue("'\(name)' must be base64-encoded binary")
            }
            return value
        case .boolean:
            switch value {
            case .bool: return value
            // Entra sends booleans as strings ("False").
            case .string(let text) where text.lowercased() == "true": return .bool(true)
            case .string(let text) where text.lowercased() == "false": return .bool(false)
            default: throw typeError(name, definition, value)
            }
        case .integer:
            switch value {
            case .integer: return value
            case .decimal(let double) where double.rounded() == double && abs(double) < 9.0e15:
                return .integer(Int64(double))
            case .string(let text):
                guard let integer = Int64(text.trimmingSpaces()) else { throw typeError(name, definition, value) }
                return .integer(integer)
            default: throw typeError(name, definition, value)
            }
        case .decimal:
            switch value {
            case .decimal: return value
            case .integer(let integer): return .decimal(Double(integer))
            case .string(let text):
                guard let double = Double(text.trimmingSpaces()), double.isFinite else {
                    throw typeError(name, definition, value)
                }
                return .decimal(double)
            default: throw typeError(name, definition, value)
            }
        case .dateTime:
            guard case .string(let text) = value, SCIMDateTime.parse(text) != nil else {
                throw .invalidValue("'\(name)' must be an xsd:dateTime such as 2024-01-31T12:00:00Z")
            }
            return value
        case .complex:
            // Entra sets `manager` to a bare id; a bare value means `{"value": …}`.
            if value.objectValue == nil, value.arrayValue == nil, definition.subAttribute(named: "value") != nil {
                return try coerceSingle(.object(["value": value]), as: definition, name: name)
            }
            guard case .object(let members) = value else { throw typeError(name, definition, value) }
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                guard let sub = definition.subAttribute(named: key) else {
                    throw .invalidValue("'\(name)' has no sub-attribute '\(key.prefix(100))'")
                }
                // readOnly sub-attributes echoed by clients are ignored, not rejected.
                if sub.isReadOnly { continue }
                if let coerced = try coerce(member, as: sub, name: "\(name).\(sub.name)") {
                    result[sub.name] = coerced
                }
            }
            return result.isEmpty ? nil : .object(result)
        }
    }

    private static func typeError(_ name: String, _ definition: SchemaAttribute, _ value: JSONValue) -> SCIMError {
        .invalidValue("'\(name)' must be \(definition.type.rawValue), not \(value.typeName)")
    }
}

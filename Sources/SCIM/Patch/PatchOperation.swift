/// One PATCH operation.
public struct PatchOperation: Sendable, Hashable {
    /// The operation kind; decoded case-insensitively (Entra sends `Add`, `Replace`, `Remove`).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case add, remove, replace
    }

    /// What the operation does.
    public var op: Kind
    /// The target; `nil` means the resource itself (add/replace only).
    public var path: AttributePath?
    /// The value; required for add/replace, optional for remove (Entra's member selector).
    public var value: JSONValue?

    public init(op: Kind, path: AttributePath? = nil, value: JSONValue? = nil) {
        self.op = op
        self.path = path
        self.value = value
    }

    init(json: JSONValue, position: Int) throws(SCIMError) {
        guard case .object = json else { throw .invalidSyntax("operation \(position) is not an object") }
        guard let opText = json[attribute: "op"]?.stringValue,
            let op = Kind(rawValue: opText.lowercased())
        else {
            throw .invalidSyntax("operation \(position) needs 'op' of add, remove or replace")
        }
        var path: AttributePath?
        if let pathValue = json[attribute: "path"], !pathValue.isNull {
            guard let pathText = pathValue.stringValue else {
                throw .invalidPath("operation \(position): 'path' must be a string")
            }
            let trimmed = pathText.trimmingSpaces()
            if !trimmed.isEmpty { path = try AttributePath.parse(trimmed) }
        }
        let value = json[attribute: "value"]
        switch op {
        case .remove:
            guard path != nil else { throw .noTarget("operation \(position): 'remove' needs a 'path'") }
        case .add, .replace:
            guard let value else { throw .invalidValue("operation \(position): '\(op.rawValue)' needs a 'value'") }
            if path == nil, value.objectValue == nil {
                throw .invalidValue("operation \(position): without a 'path' the 'value' must be an object")
            }
        }
        self.init(op: op, path: path, value: value)
    }
}

// JSONValue lives in the JSON target; SCIM's callers and clients keep seeing it through `import SCIM`.
@_exported import JSON

extension JSONValue {
    /// The member whose key equals `name` ignoring case (SCIM attribute names are
    /// case-insensitive, RFC 7643 §2.1). An exact match wins over a case-insensitive one.
    ///
    /// Setting `nil` removes every member whose key matches; setting a value replaces the
    /// matching member under its existing spelling, or adds it under `name`.
    public subscript(attribute name: String) -> JSONValue? {
        get {
            guard case .object(let members) = self else { return nil }
            if let exact = members[name] { return exact }
            for (key, value) in members where key.caseInsensitiveEquals(name) {
                return value
            }
            return nil
        }
        set {
            guard case .object(var members) = self else { return }
            let existingKey = members.keys.first { $0.caseInsensitiveEquals(name) }
            for key in members.keys where key.caseInsensitiveEquals(name) && key != existingKey {
                members[key] = nil
            }
            if let newValue {
                members[existingKey ?? name] = nil
                members[name] = newValue
            } else if let existingKey {
                members[existingKey] = nil
            }
            self = .object(members)
        }
    }

    /// The key of the member matching `name` ignoring case, if any.
    public func key(matching name: String) -> String? {
        guard case .object(let members) = self else { return nil }
        if members[name] != nil { return name }
        return members.keys.first { $0.caseInsensitiveEquals(name) }
    }
}

extension String {
    /// ASCII-and-Unicode case-insensitive equality, as SCIM uses for names and URNs.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        if self == other { return true }
        return self.lowercased() == other.lowercased()
    }
}

/// Allow and deny subjects for one direction, ready for a user JWT.
public struct SubjectPermission: Sendable, Equatable {
    public var allow: [String]
    public var deny: [String]
    public init(allow: [String] = [], deny: [String] = []) {
        self.allow = allow
        self.deny = deny
    }
}

import Foundation

/// Allow and deny subject templates for one direction (publish or subscribe).
public struct SubjectRules: Sendable, Equatable {
    public var allow: [SubjectTemplate]
    public var deny: [SubjectTemplate]

    public init(allow: [SubjectTemplate] = [], deny: [SubjectTemplate] = []) {
        self.allow = allow
        self.deny = deny
    }
}

/// The attribute values a template is expanded with.
public struct TemplateValues: Sendable, Equatable {
    public var userName: String
    public var id: String
    public var externalId: String?
    public var group: String?

    public init(userName: String, id: String, externalId: String? = nil, group: String? = nil) {
        self.userName = userName
        self.id = id
        self.externalId = externalId
        self.group = group
    }

    public subscript(placeholder: SubjectTemplate.Placeholder) -> String? {
        switch placeholder {
        case .userName: userName
        case .id: id
        case .externalId: externalId
        case .group: group
        }
    }
}

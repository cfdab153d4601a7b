/// A resource's type and id (ids are unique per type only).
struct ResourceRef: Hashable {
    var type: ResourceKind
    var id: String
}

/// The body of `STREAM.INFO` that asks for the stored subjects matching `subjects_filter`, one
/// page (`offset`) at a time.
struct StreamSubjectsRequest: Encodable, Sendable {
    var subjectsFilter: String
    var offset: Int

    enum CodingKeys: String, CodingKey {
        case subjectsFilter = "subjects_filter"
        case offset
    }
}

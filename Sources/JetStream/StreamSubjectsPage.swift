/// One page of a `STREAM.INFO` reply with `subjects_filter`: the matching subjects and their
/// message counts (`state.subjects`), and the paging fields the server adds when they do not fit.
struct StreamSubjectsPage: Decodable, Sendable {
    var subjects: [String: UInt64]
    /// How many subjects match in all; nil when the server did not page.
    var total: Int?

    private struct State: Decodable { var subjects: [String: UInt64]? }

    enum CodingKeys: String, CodingKey { case state, total }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        subjects = try container.decodeIfPresent(State.self, forKey: .state)?.subjects ?? [:]
        total = try container.decodeIfPresent(Int.self, forKey: .total)
    }
}

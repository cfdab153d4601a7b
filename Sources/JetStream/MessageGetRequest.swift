/// The body of `STREAM.MSG.GET`: one of `seq` or `last_by_subj`.
struct MessageGetRequest: Encodable {
    var sequence: UInt64?
    var lastBySubject: String?

    enum CodingKeys: String, CodingKey {
        case sequence = "seq"
        case lastBySubject = "last_by_subj"
    }
}

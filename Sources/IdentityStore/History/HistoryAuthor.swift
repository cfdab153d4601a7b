/// A ``ChangeAuthor`` resolved inside the write transaction: the name recorded for it.
struct HistoryAuthor: Sendable {
    var name: String
    var tokenId: String?
}

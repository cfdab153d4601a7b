/// The member names of a `CodingKeys` enum as bytes, made once, so the fast readers match raw
/// member names against the very keys the Codable conformance uses, without a `String` (and
/// a string switch) per member.
struct MemberNames<Key: CodingKey & CaseIterable & Sendable>: Sendable {
    private let entries: [(name: [UInt8], key: Key)]

    init() {
        entries = Key.allCases.map { (Array($0.stringValue.utf8), $0) }
    }

    /// The key named exactly `member` (raw bytes from `JSONReader.readObject`), if any.
    func key(_ member: UnsafeBufferPointer<UInt8>) -> Key? {
        for entry in entries where entry.name.count == member.count {
            if entry.name.withUnsafeBufferPointer({ $0.elementsEqual(member) }) { return entry.key }
        }
        return nil
    }
}

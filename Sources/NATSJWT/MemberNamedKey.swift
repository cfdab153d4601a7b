/// Coding keys the fast readers match members against (see ``MemberNames``).
protocol MemberNamedKey: CodingKey, CaseIterable, Sendable {
    static var memberNames: MemberNames<Self> { get }
}

extension MemberNamedKey {
    /// The key named exactly `member`, if any.
    init?(member: UnsafeBufferPointer<UInt8>) {
        guard let key = Self.memberNames.key(member) else { return nil }
        self = key
    }
}

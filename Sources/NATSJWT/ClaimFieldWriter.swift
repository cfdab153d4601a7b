/// Where a ``ClaimObject`` writes its members: `JSONWriter` (the fast path) or a keyed
/// encoding container (Codable, ``ClaimContainerWriter``).
///
/// `@usableFromInline`, as are the claim types' `Field` enums, `writeFields` and the `JSONWriter`
/// witnesses: the callout's modules specialize JWT signing, and without ABI-visible witnesses
/// they call every member's writer through the witness table (docs/benchmarks.md).
@usableFromInline protocol ClaimFieldWriter {
    associatedtype Failure: Error
    /// Always written.
    mutating func string(_ field: some ClaimField, _ value: String) throws(Failure)
    /// Always written.
    mutating func integer(_ field: some ClaimField, _ value: Int64) throws(Failure)
    /// Left out when nil or empty.
    mutating func nonEmpty(_ field: some ClaimField, _ value: String?) throws(Failure)
    /// Left out when empty.
    mutating func nonEmpty(_ field: some ClaimField, _ list: [String]) throws(Failure)
    /// Left out when nil or zero.
    mutating func nonZero(_ field: some ClaimField, _ value: Int64?) throws(Failure)
    /// Written only when true.
    mutating func ifTrue(_ field: some ClaimField, _ flag: Bool) throws(Failure)
    /// Always written.
    mutating func object(_ field: some ClaimField, _ value: some ClaimObject) throws(Failure)
    /// Left out when nil.
    mutating func object(_ field: some ClaimField, _ value: (some ClaimObject)?) throws(Failure)
    /// Left out when empty.
    mutating func nonEmpty(_ field: some ClaimField, _ list: [some ClaimObject]) throws(Failure)
    /// A `nats` section, which only some payload types can write by hand.
    mutating func payload(_ field: some ClaimField, _ value: some NATSClaimsPayload) throws(Failure)
}

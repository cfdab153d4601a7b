/// Where a ``ClaimObject`` writes its members: `JSONWriter` (the fast path) or a keyed
/// encoding container (Codable, ``ClaimContainerWriter``).
protocol ClaimFieldWriter {
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

/// The Codable side of ``ClaimFieldWriter``.
struct ClaimContainerWriter: ClaimFieldWriter {
    typealias Failure = any Error

    var container: KeyedEncodingContainer<ClaimKey>

    init(_ container: KeyedEncodingContainer<ClaimKey>) {
        self.container = container
    }

    mutating func string(_ field: some ClaimField, _ value: String) throws {
        try container.encode(value, forKey: field.key)
    }

    mutating func integer(_ field: some ClaimField, _ value: Int64) throws {
        try container.encode(value, forKey: field.key)
    }

    mutating func nonEmpty(_ field: some ClaimField, _ value: String?) throws {
        if let value, !value.isEmpty { try container.encode(value, forKey: field.key) }
    }

    mutating func nonEmpty(_ field: some ClaimField, _ list: [String]) throws {
        if !list.isEmpty { try container.encode(list, forKey: field.key) }
    }

    mutating func nonZero(_ field: some ClaimField, _ value: Int64?) throws {
        if let value, value != 0 { try container.encode(value, forKey: field.key) }
    }

    mutating func ifTrue(_ field: some ClaimField, _ flag: Bool) throws {
        if flag { try container.encode(true, forKey: field.key) }
    }

    mutating func object(_ field: some ClaimField, _ value: some ClaimObject) throws {
        try container.encode(value, forKey: field.key)
    }

    mutating func object(_ field: some ClaimField, _ value: (some ClaimObject)?) throws {
        if let value { try container.encode(value, forKey: field.key) }
    }

    mutating func nonEmpty(_ field: some ClaimField, _ list: [some ClaimObject]) throws {
        if !list.isEmpty { try container.encode(list, forKey: field.key) }
    }

    mutating func payload(_ field: some ClaimField, _ value: some NATSClaimsPayload) throws {
        try container.encode(value, forKey: field.key)
    }
}

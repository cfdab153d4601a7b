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

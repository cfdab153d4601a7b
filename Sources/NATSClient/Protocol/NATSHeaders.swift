/// The headers of a NATS message: ordered, multi-valued, names compared case-sensitively
/// (as nats-server and nats.go do), with the optional inline status of the `NATS/1.0` line.
public struct NATSHeaders: Hashable, Sendable, Sequence {
    /// One `Name: value` line.
    public struct Field: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields in wire order.
    public private(set) var fields: [Field]
    /// The status code of the `NATS/1.0 <code> <description>` line (e.g. 503 no responders).
    public var statusCode: Int?
    /// The text after the status code, if any.
    public var statusDescription: String?

    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    /// True when there are neither fields nor a status.
    public var isEmpty: Bool { fields.isEmpty && statusCode == nil }

    /// The first value stored under `name`.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// All values stored under `name`, in wire order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// Appends a value, keeping any existing values of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every value of `name` with `value`.
    public mutating func set(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every value of `name`.
    public mutating func remove(name: String) {
        fields.removeAll { $0.name == name }
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

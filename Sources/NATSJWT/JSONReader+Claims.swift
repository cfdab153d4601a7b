extension UnsafeBufferPointer<UInt8> {
    /// True when these bytes are exactly `name` (member-name matching in the fast readers).
    func `is`(_ name: StaticString) -> Bool {
        count == name.utf8CodeUnitCount && name.withUTF8Buffer { elementsEqual($0) }
    }
}

extension JSONReader {
    /// `decodeIfPresent(String.self)`: null is nil.
    mutating func readOptionalString() throws(Unsupported) -> String? {
        try readNull() ? nil : readString()
    }

    /// `decodeIfPresent(T.self)` for a plain integer: null is nil.
    mutating func readOptionalInteger<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(Unsupported) -> T? {
        try readNull() ? nil : readInteger(T.self)
    }

    /// `decodeIfPresent([String].self)`: null is nil.
    mutating func readOptionalStringArray() throws(Unsupported) -> [String]? {
        try readNull() ? nil : readStringArray()
    }
}

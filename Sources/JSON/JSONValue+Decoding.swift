extension JSONValue {
    /// The deepest nesting accepted, so hostile input can never exhaust the stack.
    public static let maximumDepth = 64

    /// Decodes one JSON document (RFC 8259) from UTF-8 bytes; a leading byte order mark is
    /// tolerated (some clients send one).
    ///
    /// Duplicate object keys keep the last value. Numbers without a fraction or exponent that fit
    /// in `Int64` become ``integer(_:)``; all others become ``decimal(_:)``. `\u0000` is refused:
    /// valid JSON, but never a legitimate name, and SQLite hands text back as C strings (a stored
    /// "bob\u0000evil" would read back as "bob").
    public static func decode(_ bytes: some Collection<UInt8>) throws(JSONDecodingError) -> JSONValue {
        let result = Array(bytes).withUnsafeBufferPointer { buffer in
            Result { () throws(JSONDecodingError) in
                var reader = JSONReader(buffer, maxDepth: maximumDepth, acceptsNUL: false)
                reader.skipByteOrderMark()
                let value = try reader.readValue()
                try reader.expectEnd()
                return value
            }
        }
        return try result.get()
    }

    /// Decodes one JSON document from a string.
    public static func decode(_ text: String) throws(JSONDecodingError) -> JSONValue {
        try decode(Array(text.utf8))
    }
}

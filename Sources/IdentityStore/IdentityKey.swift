import Foundation

/// Unicode-aware caseless keys for unique attributes.
///
/// SQLite's `NOCASE` only folds ASCII, so "ÉMILE" and "émile" would be two users. The key is
/// computed in Swift: canonical composition (NFC) so "É" typed as E + combining accent matches the
/// precomposed letter, then upper- and lower-casing, which is full case folding for the
/// cases that matter ("ß" → "ss", final sigma).
public enum IdentityKey {
    /// The caseless, normalised form of `value` used in unique indexes and equality lookups.
    public static func fold(_ value: String) -> String {
        // ASCII is already NFC and folds to its lowercase; skip Foundation's normalisation, which
        // the auth read would otherwise pay on every password connect.
        if value.utf8.allSatisfy({ $0 < 0x80 }) { return asciiLowercased(value) }
        return value.precomposedStringWithCanonicalMapping.uppercased().lowercased()
    }

    private static func asciiLowercased(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return value }
        return String(decoding: value.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

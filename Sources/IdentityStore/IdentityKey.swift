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
        value.precomposedStringWithCanonicalMapping.uppercased().lowercased()
    }
}

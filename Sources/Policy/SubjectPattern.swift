/// NATS subject wildcard algebra on whole tokens: `*` matches exactly one token, `>` one or
/// more tokens and only as the last token.
///
/// Both functions take the question's subject as a pattern too, so "who may subscribe to
/// `orders.>`" has an exact answer: a permission covers a subject when every concrete subject
/// the subject names is one the permission names.
public enum SubjectPattern {
    /// True when every subject `subject` matches is also matched by `pattern` (set inclusion).
    ///
    /// `orders.*` covers `orders.new` and `orders.*`, not `orders.>` (which includes
    /// `orders.a.b`); `orders.>` covers `orders.*`; `>` covers everything.
    public static func covers(_ pattern: String, _ subject: String) -> Bool {
        let pattern = tokens(pattern)
        let subject = tokens(subject)
        for index in pattern.indices {
            let token = pattern[index]
            if token == ">" { return index < subject.count }
            guard index < subject.count else { return false }
            switch (token, subject[index]) {
            case (_, ">"): return false  // the subject goes on with any tokens; only `>` covers that
            case ("*", _): continue
            case (_, "*"): return false  // one literal cannot cover every token
            case let (literal, other): if literal != other { return false }
            }
        }
        return pattern.count == subject.count
    }

    /// True when some concrete subject is matched by both `pattern` and `subject`.
    public static func intersects(_ pattern: String, _ subject: String) -> Bool {
        let pattern = tokens(pattern)
        let subject = tokens(subject)
        var index = 0
        while index < pattern.count && index < subject.count {
            let (left, right) = (pattern[index], subject[index])
            if left == ">" || right == ">" { return true }
            if left != "*" && right != "*" && left != right { return false }
            index += 1
        }
        return pattern.count == subject.count
    }

    /// Whether `subject` is a well-formed subject or pattern: non-empty tokens without
    /// whitespace, `*` and `>` only as whole tokens, `>` only last.
    public static func isValid(_ subject: String) -> Bool {
        let parts = tokens(subject)
        guard !subject.isEmpty else { return false }
        for (index, token) in parts.enumerated() {
            guard !token.isEmpty, !token.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 })
            else { return false }
            if token == ">" && index != parts.count - 1 { return false }
            if token != "*" && token != ">" && (token.contains("*") || token.contains(">")) { return false }
        }
        return true
    }

    private static func tokens(_ subject: String) -> [Substring] {
        subject.split(separator: ".", omittingEmptySubsequences: false)
    }
}

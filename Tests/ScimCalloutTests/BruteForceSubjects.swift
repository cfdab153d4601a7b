import Policy

/// Decides "may this permission use the subject" by enumerating concrete subjects: every
/// subject the query matches, over the query's and the policy's tokens plus a fresh one, with
/// `>` standing for one to three tokens. No `SubjectPattern` code is involved.
struct BruteForceSubjects {
    let concrete: [[Substring]]

    init(query: String, policyText: String) {
        var alphabet: Set<Substring> = ["zz"]
        for word in policyText.split(whereSeparator: { !($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
            for token in word.split(separator: ".") where token != "*" && token != ">" { alphabet.insert(token) }
        }
        let tokens = query.split(separator: ".", omittingEmptySubsequences: false)
        for token in tokens where token != "*" && token != ">" { alphabet.insert(token) }
        let letters = alphabet.sorted()
        var subjects: [[Substring]] = [[]]
        for token in tokens {
            switch token {
            case "*": subjects = subjects.flatMap { prefix in letters.map { prefix + [$0] } }
            case ">":
                var tails: [[Substring]] = letters.map { [$0] }
                var all = tails
                for _ in 2 ... 3 {
                    tails = tails.flatMap { tail in letters.map { tail + [$0] } }
                    all += tails
                }
                subjects = subjects.flatMap { prefix in all.map { prefix + $0 } }
            default: subjects = subjects.map { $0 + [token] }
            }
        }
        concrete = subjects
    }

    /// nats-server's rule, by enumeration: some allow (or an empty allow list) matches every
    /// subject of the query, and no deny matches every one of them.
    func allows(_ permission: SubjectPermission) -> Bool {
        let allowed = permission.allow.isEmpty || permission.allow.contains { pattern in covers(pattern) }
        return allowed && !permission.deny.contains { pattern in covers(pattern) }
    }

    private func covers(_ pattern: String) -> Bool {
        let tokens = pattern.split(separator: ".", omittingEmptySubsequences: false)
        return concrete.allSatisfy { Self.matches(tokens[...], $0[...]) }
    }

    private static func matches(_ pattern: ArraySlice<Substring>, _ subject: ArraySlice<Substring>) -> Bool {
        guard let head = pattern.first else { return subject.isEmpty }
        if head == ">" { return !subject.isEmpty }
        guard let first = subject.first, head == "*" || head == first else { return false }
        return matches(pattern.dropFirst(), subject.dropFirst())
    }
}

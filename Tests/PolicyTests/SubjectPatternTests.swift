import Policy
import Testing

/// `SubjectPattern` against a brute-force oracle: every concrete subject over a small alphabet.
@Suite("Subject wildcard cover and overlap")
struct SubjectPatternTests {
    static let alphabet = ["a", "b", "c"]

    /// Every concrete subject of 1…4 tokens over the alphabet.
    static let universe: [[String]] = {
        var all: [[String]] = []
        var level: [[String]] = [[]]
        for _ in 1 ... 4 {
            level = level.flatMap { prefix in alphabet.map { prefix + [$0] } }
            all += level
        }
        return all
    }()

    /// Every pattern of 1…3 tokens over the alphabet, `*` and a final `>`.
    static let patterns: [String] = {
        var all: [[String]] = []
        var level: [[String]] = [[]]
        for _ in 1 ... 3 {
            level = level.flatMap { prefix in (alphabet + ["*"]).map { prefix + [$0] } }
            all += level
            all += level.map { Array($0.dropLast()) + [">"] }
        }
        return Array(Set(all.map { $0.joined(separator: ".") })).sorted()
    }()

    /// The plain matcher: one token per `*`, one or more for `>`.
    static func matches(_ pattern: [Substring], _ subject: [String]) -> Bool {
        guard let head = pattern.first else { return subject.isEmpty }
        if head == ">" { return !subject.isEmpty }
        guard let first = subject.first, head == "*" || head == first else { return false }
        return matches(Array(pattern.dropFirst()), Array(subject.dropFirst()))
    }

    static func matched(by pattern: String) -> Set<[String]> {
        let tokens = pattern.split(separator: ".", omittingEmptySubsequences: false)
        return Set(universe.filter { matches(tokens, $0) })
    }

    @Test func coverIsSetInclusionAndOverlapIsACommonSubject() {
        let sets = Dictionary(uniqueKeysWithValues: Self.patterns.map { ($0, Self.matched(by: $0)) })
        var checked = 0
        for pattern in Self.patterns {
            for subject in Self.patterns {
                let (p, s) = (sets[pattern] ?? [], sets[subject] ?? [])
                #expect(SubjectPattern.covers(pattern, subject) == s.isSubset(of: p), "\(pattern) covers \(subject)")
                #expect(SubjectPattern.intersects(pattern, subject) == !p.isDisjoint(with: s), "\(pattern) meets \(subject)")
                checked += 1
            }
        }
        #expect(checked > 10_000)
    }

    @Test(arguments: [
        ("orders.*", "orders.new", true), ("orders.*", "orders.*", true), ("orders.*", "orders.>", false),
        ("orders.>", "orders.*", true), ("orders.>", "orders", false), (">", "a.b.c", true),
        ("orders.new", "orders.*", false), ("*.new", "orders.new", true), ("orders.*.x", "orders.a.x", true),
    ])
    func namedCases(pattern: String, subject: String, covers: Bool) {
        #expect(SubjectPattern.covers(pattern, subject) == covers)
    }

    @Test func permissionsFollowNATSRules() {
        let grant = SubjectPermission(allow: ["orders.>"], deny: ["orders.secret.>"])
        #expect(grant.access(to: "orders.new").isAllowed)
        #expect(!grant.access(to: "orders.secret.x").isAllowed)
        #expect(grant.access(to: "orders.secret.x").deniedBy == ["orders.secret.>"])
        let wildcard = grant.access(to: "orders.>")
        #expect(wildcard.isAllowed && wildcard.exceptions == ["orders.secret.>"], "a partial deny is an exception")
        #expect(!grant.access(to: "billing.x").isAllowed)
        // nats-server reads an empty allow list as everything; deny still wins.
        #expect(SubjectPermission(allow: [], deny: ["x"]).access(to: "y").isAllowed)
        #expect(!SubjectPermission(allow: [], deny: [">"]).access(to: "y").isAllowed)
    }

    @Test(arguments: ["a..b", "", ".a", "a.", "a.>.b", "a.b*", "a b", "a.>x"])
    func malformedSubjectsAreInvalid(subject: String) {
        #expect(!SubjectPattern.isValid(subject))
    }
}

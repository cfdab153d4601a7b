/// The result lines of `policy explain`'s text, read back for comparison.
struct ExplainText {
    struct Lists: Equatable {
        var allow: [String]
        var deny: [String]
    }

    /// The account when the result is ALLOW.
    var account: String?
    /// The reason when the result is DENY.
    var denial: String?
    var publish: Lists?
    var subscribe: Lists?

    init(_ text: String) {
        for line in text.split(separator: "\n").map(String.init) {
            if let match = line.firstMatch(of: /^result: ALLOW into account (\S+),/) {
                account = String(match.1)
            } else if let match = line.firstMatch(of: /^result: DENY (\S+)/) {
                denial = String(match.1)
            } else if let match = line.firstMatch(of: /^  (publish|subscribe) +allow \[(.*)\] deny \[(.*)\]$/) {
                let lists = Lists(allow: Self.words(match.2), deny: Self.words(match.3))
                if match.1 == "publish" { publish = lists } else { subscribe = lists }
            }
        }
    }

    private static func words(_ text: Substring) -> [String] {
        text.split(separator: " ").map(String.init)
    }
}

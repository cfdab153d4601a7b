import IdentityStore
import Testing

@Suite("ValueList: nkeys and tags in one string")
struct ValueListTests {
    @Test(
        "splits at whitespace and commas, drops empties, keeps first occurrences in order",
        arguments: [
            ("UA UB", ["UA", "UB"]),
            ("UA,UB", ["UA", "UB"]),
            ("env:prod, team:payments", ["env:prod", "team:payments"]),
            ("  UA\n\tUB\r\nUC  ", ["UA", "UB", "UC"]),
            ("UB UA UB ua", ["UB", "UA", "ua"]),
            (",, ,UA,,", ["UA"]),
            ("", []),
            (" \n , ", []),
        ] as [(String, [String])]
    )
    func splits(text: String, expected: [String]) {
        #expect(ValueList.items(in: text) == expected)
    }
}

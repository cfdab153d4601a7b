import Testing

@Suite("DocumentedCommand: finding commands in Markdown")
struct DocumentedCommandTests {
    @Test func findsCodeBlockLinesAndInlineCommandsWithTheirExpectedStatus() {
        let markdown = """
            Run `scim-callout users show alice` or `make run`; `scim-callout` alone is a name.

            ```sh
            $ scim-callout policy check --user bob   # deny, exit 2
            scim-callout decisions --user alice \\
                --since 1h
            nats-server -c data/nats-server.conf
            ```

            | `scim-callout keys generate\\|inspect` | nkeys |
            """
        let commands = DocumentedCommand.extract(from: markdown, file: "x.md")
        #expect(commands.map(\.text) == [
            "scim-callout users show alice",
            "scim-callout policy check --user bob",
            "scim-callout decisions --user alice --since 1h",
            "scim-callout keys generate|inspect",
        ])
        #expect(commands.map(\.line) == [1, 4, 5, 10])
        #expect(commands.map(\.expectedStatus) == [0, 2, 0, 0])
        #expect(commands[0].arguments == ["users", "show", "alice"])
        #expect(commands[0].synopsisAlternatives == nil)
        #expect(commands[3].synopsisAlternatives == [["keys", "generate"], ["keys", "inspect"]])
    }

    @Test func quotesGroupWords() {
        let commands = DocumentedCommand.extract(from: "`scim-callout tokens issue --nats --name 'alice laptop' --user alice`", file: "x.md")
        #expect(commands.first?.arguments == ["tokens", "issue", "--nats", "--name", "alice laptop", "--user", "alice"])
    }
}

import Foundation
import IdentityStore
import Logging
@testable import scim_callout
import Testing
import TestSupport

@Suite("Text outputs escape what names carry")
struct DisplayTextTests {
    @Test(arguments: [
        ("alice", "alice"),
        ("line\nbreak", "line\\nbreak"),
        ("carriage\rreturn\ttab", "carriage\\rreturn\\ttab"),
        ("\u{1B}[31mred\u{1B}[0m", "\\u{1B}[31mred\\u{1B}[0m"),
        ("admin\u{202E}nimda", "admin\\u{202E}nimda"),
        ("iso\u{2066}late\u{2069}", "iso\\u{2066}late\\u{2069}"),
        ("zero\u{200B}width\u{FEFF}", "zero\\u{200B}width\\u{FEFF}"),
        ("line\u{2028}sep\u{2029}", "line\\u{2028}sep\\u{2029}"),
        ("del\u{7F}c1\u{85}", "del\\u{7F}c1\\u{85}"),
        ("DOMAIN\\user", "DOMAIN\\\\user"),
        ("Ærøskøbing 東京 🙂", "Ærøskøbing 東京 🙂"),
    ])
    func escapesControlFormatAndSeparatorCharacters(raw: String, shown: String) {
        #expect(DisplayText.escaped(raw) == shown)
    }

    @Test func cellsLongerThanTheLimitEndWithTheMarker() {
        #expect(DisplayText.cell("short", limit: 10) == "short")
        #expect(DisplayText.cell("exactly-10", limit: 10) == "exactly-10")
        let cut = DisplayText.cell(String(repeating: "x", count: 20), limit: 10)
        #expect(cut == String(repeating: "x", count: 9) + DisplayText.truncationMarker)
        #expect(cut.count == 10)
        // Escaping happens first, so an escape is never the thing that overflows unnoticed.
        #expect(DisplayText.cell("\n\n\n\n\n\n", limit: 8) == "\\n\\n\\n\\" + DisplayText.truncationMarker)
    }

    @Test func usersAndTokensListsShowHostileNamesEscapedAndJSONKeepsThemWhole() async throws {
        let directory = try TestEnvironment.temporaryDirectory("display-text")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await ServeFixture.prepare(directory)

        // Given users whose names try to forge a row, clear the screen, reverse text and overflow columns.
        let forged = "eve\n2026-01-01T00:00:00Z  root  active"
        let ansi = "mallory\u{1B}[2J\u{1B}[H"
        let bidi = "admin\u{202E}gnp.exe"
        let long = String(repeating: "l", count: 100)
        let database = try IdentityDatabase.open(path: directory.appendingPathComponent("scim-callout.sqlite").path,
                                                 logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        for name in [forged, ansi, bidi, long] {
            _ = try await database.createUser(.init(userName: name, resource: "{}"))
        }
        _ = try await database.createGroup(.init(displayName: "ops\r\nfake-group", resource: "{}"), members: [])

        // When an SRE lists them as text.
        let users = try await CLI.run(["users", "--data-dir", directory.path])
        #expect(users.status == 0, "\(users.stderr)")

        // Then no raw control, escape or bidi character reaches the terminal, each row is one line,
        // and the escapes and the truncation marker show what was there.
        let forbidden: [Unicode.Scalar] = ["\u{1B}", "\r", "\u{202E}"]
        #expect(!users.stdout.unicodeScalars.contains { forbidden.contains($0) })
        let lines = users.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 1 + 4 + 1, "header, four users, the count line: \(lines)")
        #expect(!lines.contains { $0.hasPrefix("2026-01-01") })
        #expect(users.stdout.contains("eve\\n2026-01-01T00:00:00Z"))
        #expect(users.stdout.contains("mallory\\u{1B}[2J\\u{1B}[H"))
        #expect(users.stdout.contains("admin\\u{202E}gnp.exe"))
        #expect(users.stdout.contains(String(repeating: "l", count: Table.cellLimit - 1) + DisplayText.truncationMarker))
        #expect(!users.stdout.contains(long))

        // JSON is for machines: the values arrive whole (JSON escapes them itself).
        let json = try await CLI.run(["users", "--data-dir", directory.path, "--json"])
        let names = json.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])?["username"]
        }
        #expect(Set(names) == [forged, ansi, bidi, long])

        let group = try await CLI.run(["groups", "--data-dir", directory.path])
        #expect(group.stdout.contains("ops\\r\\nfake-group"), "\(group.stdout)")
        #expect(!group.stdout.contains("\r"))

        // A token name is shown the same way.
        let issued = try await CLI.run(["tokens", "issue", "--data-dir", directory.path, "--scim", "--name", "okta\u{1B}]0;owned\u{7}"])
        #expect(issued.status == 0, "\(issued.stderr)")
        let tokens = try await CLI.run(["tokens", "list", "--data-dir", directory.path, "--scim"])
        #expect(tokens.stdout.contains("okta\\u{1B}]0;owned\\u{7}"), "\(tokens.stdout)")
        #expect(!tokens.stdout.unicodeScalars.contains("\u{1B}"))
    }
}

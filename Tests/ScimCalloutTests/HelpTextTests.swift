import Foundation
import Testing
import TestSupport

/// Every `--help` the binary prints, found by walking its SUBCOMMANDS sections: no stray line
/// continuation from a `\\` in a Swift string, and no command named that does not exist.
@Suite("--help texts")
struct HelpTextTests {
    @Test func noHelpHasAStrayLineContinuationOrNamesAMissingCommand() async throws {
        var tree: [[String]: [String]] = [:]
        var helps: [[String]: String] = [:]
        var queue: [[String]] = [[]]
        while let path = queue.popLast() {
            let result = try await CLI.run(path + ["--help"])
            #expect(result.status == 0, "scim-callout \(path.joined(separator: " ")) --help: \(result.stderr)")
            helps[path] = result.stdout
            let children = Self.subcommands(in: result.stdout)
            tree[path] = children
            queue += children.map { path + [$0] }
        }
        #expect(tree[[]]?.contains("tokens") == true, "the walk found the commands: \(tree)")
        #expect(helps.count > 15, "every subcommand's help was read: \(helps.keys.sorted { $0.lexicographicallyPrecedes($1) })")

        for (path, help) in helps.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            let name = (["scim-callout"] + path).joined(separator: " ")
            for line in help.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasSuffix("\\") {
                Issue.record("\(name) --help has a stray line continuation: \(line)")
            }
            for reference in Self.references(in: help, topLevel: Set(tree[[]] ?? [])) {
                #expect(Self.exists(reference, in: tree), "\(name) --help names `\(reference.joined(separator: " "))`, which does not exist")
            }
        }
        print("checked --help of \(helps.count) commands")
    }

    /// `decisions --help` names the cluster feed and where it is explained.
    @Test func decisionsHelpExplainsTheClusterFeed() async throws {
        let result = try await CLI.run(["decisions", "--help"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("--cluster"))
        #expect(result.stdout.contains("replication.publish_decisions"))
        #expect(result.stdout.contains("docs/high-availability.md"))
    }

    /// The names listed under `SUBCOMMANDS:` (`  list (default)   List …` → `list`).
    static func subcommands(in help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("SUBCOMMANDS:") }) else { return [] }
        var names: [String] = []
        for line in lines[(start + 1)...] {
            if line.isEmpty { break }
            // Names are indented by two spaces; wrapped abstracts by more.
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
            names.append(String(name))
        }
        return names
    }

    /// Commands a help text names: backticked spans that start with `scim-callout` or a
    /// top-level command (`tokens list`), and the first word after an unquoted `scim-callout`.
    static func references(in help: String, topLevel: Set<String>) -> [[String]] {
        var references: [[String]] = []
        for span in help.matches(of: /`([^`]+)`/) {
            var words = span.1.split(separator: " ").map(String.init)
            if words.first == "scim-callout" { words.removeFirst() } else if !topLevel.contains(words.first ?? "") { continue }
            // The command path ends at the first option or argument.
            references.append(Array(words.prefix { $0.wholeMatch(of: /[a-z][a-z-]*/) != nil }))
        }
        for match in help.matches(of: /scim-callout ([a-z][a-z-]*)/) {
            references.append([String(match.1)])
        }
        return references
    }

    /// Whether each word of `path` is a subcommand of the one before (a leaf ends the path: what
    /// follows it are its arguments).
    static func exists(_ path: [String], in tree: [[String]: [String]]) -> Bool {
        var current: [String] = []
        for word in path {
            guard let children = tree[current], !children.isEmpty else { return true }
            // ArgumentParser adds `help` to every command with subcommands without listing it.
            guard children.contains(word) || word == "help" else { return false }
            current.append(word)
        }
        return true
    }
}

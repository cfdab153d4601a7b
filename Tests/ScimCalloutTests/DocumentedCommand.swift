import Foundation

/// A `scim-callout …` command as `README.md` or `docs/*.md` shows it: a line of a fenced code
/// block, or an inline code span that starts with `scim-callout `.
///
/// The docs are parsed, not listed, so a new example is picked up (and run) without editing a test.
struct DocumentedCommand: Sendable, CustomStringConvertible {
    /// The file, relative to the package root (`docs/policy.md`).
    var file: String
    var line: Int
    /// The command as written, without a `$ ` prompt or a trailing `# comment`.
    var text: String
    /// The trailing `# comment` of a code-block line, if any.
    var comment: String?

    var description: String { "\(file):\(line)  \(text)" }

    /// The words after `scim-callout`, split as a shell would split these simple lines (quotes group words).
    var arguments: [String] {
        Self.words(text).dropFirst().map { $0 }
    }

    /// The status the docs promise: `exit N` in the example's comment, else 0.
    var expectedStatus: Int32 {
        guard let comment, let match = comment.firstMatch(of: /exit (\d+)/), let status = Int32(match.1) else { return 0 }
        return status
    }

    /// `keys generate|inspect` names several commands at once (the README's table): one word
    /// list per alternative, or nil for a command that runs as written.
    var synopsisAlternatives: [[String]]? {
        let words = arguments
        guard let index = words.firstIndex(where: { $0.contains("|") }) else { return nil }
        return words[index].split(separator: "|").map { Array(words[..<index]) + [String($0)] }
    }

    /// Every documented command in `README.md` and `docs/*.md` under `root`, in file order.
    static func all(in root: URL) throws -> [DocumentedCommand] {
        let docs = root.appendingPathComponent("docs")
        let pages = try FileManager.default.contentsOfDirectory(atPath: docs.path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
        return try (["README.md"] + pages).flatMap { file in
            extract(from: try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8), file: file)
        }
    }

    /// The commands in one Markdown text.
    static func extract(from markdown: String, file: String) -> [DocumentedCommand] {
        var commands: [DocumentedCommand] = []
        var fence: String?
        var pending: (line: Int, text: String)?
        for (offset, rawLine) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let trimmed = rawLine.trimmingCharacters(in: .whitespaces)
            if let marker = fence {
                if trimmed.hasPrefix(marker) && trimmed.allSatisfy({ $0 == marker.first }) {
                    fence = nil
                    continue
                }
                // A shell line continuation joins the next line to this command.
                var line = pending.map { $0.text + " " + trimmed } ?? trimmed
                let start = pending?.line ?? number
                pending = nil
                if line.hasSuffix("\\") {
                    line.removeLast()
                    pending = (start, line.trimmingCharacters(in: .whitespaces))
                    continue
                }
                if line.hasPrefix("$ ") { line.removeFirst(2) }
                guard line.hasPrefix("scim-callout ") else { continue }
                let (command, comment) = splitComment(line)
                commands.append(DocumentedCommand(file: file, line: start, text: command, comment: comment))
                continue
            }
            if let marker = trimmed.prefixMatch(of: /```+|~~~+/) {
                fence = String(marker.0)
                continue
            }
            for span in rawLine.matches(of: /`([^`]+)`/) {
                // Inside a table, `\|` is an escaped cell separator.
                let text = String(span.1).replacingOccurrences(of: "\\|", with: "|").trimmingCharacters(in: .whitespaces)
                guard text.hasPrefix("scim-callout ") else { continue }
                commands.append(DocumentedCommand(file: file, line: number, text: text, comment: nil))
            }
        }
        return commands
    }

    /// `cmd --flag   # what it does` → (`cmd --flag`, `what it does`).
    private static func splitComment(_ line: String) -> (String, String?) {
        guard let range = line.range(of: " #") else { return (line, nil) }
        let comment = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
        return (line[..<range.lowerBound].trimmingCharacters(in: .whitespaces), comment)
    }

    private static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

import Foundation
import Testing
import TestSupport

/// Every `scim-callout …` example in `README.md` and `docs/*.md` runs as written against a real
/// stack (``DocumentedCommandStack``) and exits with the status the docs imply.
@Suite("Documented commands run as written", .serialized)
struct DocumentedCommandsTests {
    /// Examples that cannot run in a test, with the reason. Kept exact: an entry no longer in
    /// the docs fails the test, so this list cannot hide a removed or changed example.
    static let notRun: [String: String] = [
        "scim-callout serve": "runs in the foreground until stopped; the stack runs it in the background",
        "scim-callout serve --data-dir /var/lib/scim-callout": "runs in the foreground until stopped",
        "scim-callout tokens revoke": "names the command in prose; `tokens revoke --scim <id>` is the runnable example",
        "scim-callout snapshots take": "needs replication.enabled and a JetStream server; SnapshotsCommandTests runs it",
        "scim-callout snapshots list": "needs replication.enabled and a JetStream server; SnapshotsCommandTests runs it",
        "scim-callout snapshots restore": "needs replication.enabled and a JetStream server; SnapshotsCommandTests runs it",
    ]

    /// Placeholders and example values in the docs, and what each becomes in the stack (whole
    /// words only). A word still shaped like a placeholder (`<…>`) afterwards fails the test: add it here.
    static let substitutions: [Substitution] = [
        // The data folder of a real installation, and the default ./data.
        Substitution("/var/lib/scim-callout") { example, _ in example.dataDirectory.path },
        Substitution("data", after: "--data-dir") { example, _ in example.dataDirectory.path },
        // A user: alice exists in the stack, in group nats-demo, with a password.
        Substitution("<user>") { _, _ in "alice" },
        // A token id: a SCIM token issued for this example alone, so every revoke has its own.
        Substitution("<id>") { example, _ in try await example.stack.issueSCIMTokenID() },
        // A file an example writes relative to its working folder (`--out issuer.next.nk`): into the data folder.
        Substitution(nil, after: "--out") { example, word in
            word.hasPrefix("/") ? word : example.dataDirectory.appendingPathComponent(word).path
        },
    ]

    @Test func everyDocumentedCommandRunsAsWritten() async throws {
        let commands = try DocumentedCommand.all(in: TestEnvironment.packageRoot)
        #expect(commands.count > 20, "the parser finds the docs' examples: \(commands)")
        let documented = Set(commands.map(\.text))
        for entry in Self.notRun.keys.sorted() {
            #expect(documented.contains(entry), "notRun lists `\(entry)`, which no longer appears in the docs: remove it")
        }

        let stack = try await DocumentedCommandStack.start()
        var ran: [String] = []
        do {
            for command in commands {
                if let reason = Self.notRun[command.text] {
                    print("not run: \(command) (\(reason))")
                    continue
                }
                let outcome = try await run(command, on: stack)
                ran.append(command.description)
                print("ran (\(outcome)): \(command)")
            }
        } catch {
            await stack.stop()
            throw error
        }
        await stack.stop()
        print("\(ran.count) documented commands ran, \(commands.count - ran.count) not run")
    }

    /// Runs one example and checks its exit status; returns what happened, for the log.
    private func run(_ command: DocumentedCommand, on stack: DocumentedCommandStack) async throws -> String {
        // A synopsis (`keys generate|inspect`) names commands: each must exist.
        if let alternatives = command.synopsisAlternatives {
            for words in alternatives {
                let result = try await CLI.run(words + ["--help"])
                #expect(result.status == 0, "`scim-callout \(words.joined(separator: " "))` does not exist: \(result.stderr)")
            }
            return "each one's --help exits 0"
        }
        // init creates a data folder: it gets an empty one, as on a first install.
        let dataDirectory = try command.arguments.first == "init" ? stack.freshDirectory() : stack.directory
        let example = Example(stack: stack, dataDirectory: dataDirectory)
        let arguments = try await example.substitute(command.arguments)
        let leftover = arguments.filter { $0.contains("<") && $0.contains(">") && !$0.hasSuffix(".>") }
        #expect(leftover.isEmpty, "\(command): no substitution for \(leftover); add one to `substitutions`")
        // Commands that name no folder use the stack's, as they would use ./data.
        var environment = ["SCIM_CALLOUT_DATA_DIR": example.dataDirectory.path]
        // `--cluster` reads the stack's nats-server, which serve is told of by environment too.
        if arguments.contains("--cluster") { environment["SCIM_CALLOUT_NATS_URLS"] = stack.nats.url }

        if arguments.contains("--follow") {
            return try await follow(command, arguments: arguments, environment: environment, on: stack)
        }
        let result = try await CLI.run(arguments, environment: environment)
        // stderr only: an example's stdout may be a token or a seed.
        #expect(result.status == command.expectedStatus,
                "\(command) exited \(result.status), the docs imply \(command.expectedStatus): \(result.stderr)")
        return "exit \(result.status)"
    }

    /// Starts a `--follow` example, makes a decision happen, and stops it after its first output.
    private func follow(_ command: DocumentedCommand, arguments: [String], environment: [String: String],
                        on stack: DocumentedCommandStack) async throws -> String {
        let log = try stack.freshDirectory().appendingPathComponent("follow.log")
        let process = try ManagedProcess(executable: CLI.binary, arguments: arguments,
                                         environment: CLI.environment(environment), logURL: log)
        // follow prints only decisions recorded after it read its starting point: connect until one shows.
        // The log is written in batches off the decision path, so a loaded host can take a while.
        let printed = try await poll("\(command) to print a decision", timeout: .seconds(60), interval: .milliseconds(200)) { () -> Bool? in
            if !process.output.isEmpty { return true }
            guard process.isRunning else { return false }
            try await stack.connect(password: "wrong-again", expecting: "denied")
            return nil
        }
        // Still running after its first output: it printed a decision, not an error on its way out.
        let following = process.isRunning
        let status = try await process.stop(signal: SIGINT)
        #expect(printed && following, "\(command) exited (\(status)) instead of following: \(process.output)")
        return "printed a decision, stopped"
    }
}

extension DocumentedCommandsTests {
    /// One placeholder in the docs and its value for one example.
    struct Substitution: Sendable {
        /// The word replaced; nil: any word after `option`.
        var word: String?
        /// Only when the word follows this option (`--data-dir data`); nil: wherever it appears.
        var option: String?
        /// The replacement, given the example and the word as written.
        var value: @Sendable (Example, String) async throws -> String

        init(_ word: String?, after option: String? = nil,
             value: @escaping @Sendable (Example, String) async throws -> String) {
            self.word = word
            self.option = option
            self.value = value
        }

        func applies(to word: String, after previous: String?) -> Bool {
            (self.word == nil || self.word == word) && (option == nil || option == previous)
        }
    }

    /// What an example runs with: the stack and its data folder (a fresh one for `init`).
    struct Example: Sendable {
        var stack: DocumentedCommandStack
        var dataDirectory: URL

        /// `arguments` with every word the table names replaced (the first matching entry wins).
        func substitute(_ arguments: [String]) async throws -> [String] {
            var result: [String] = []
            for (index, word) in arguments.enumerated() {
                let previous = index > 0 ? arguments[index - 1] : nil
                if let substitution = DocumentedCommandsTests.substitutions.first(where: { $0.applies(to: word, after: previous) }) {
                    result.append(try await substitution.value(self, word))
                } else {
                    result.append(word)
                }
            }
            return result
        }
    }
}

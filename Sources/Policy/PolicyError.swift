/// A policy file that cannot be used, with every problem found and where it is.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem at a position in the file.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line (0 when the problem concerns the whole file).
        public var line: Int
        /// 1-based column (0 when unknown).
        public var column: Int
        public var message: String

        public init(line: Int, column: Int, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }

        public var description: String { "\(line):\(column): \(message)" }
    }

    /// The file name (or another label) the issues refer to.
    public var source: String
    /// Every problem found, in file order.
    public var issues: [Issue]

    public init(source: String, issues: [Issue]) {
        self.source = source
        self.issues = issues
    }

    /// One line per issue: `policy.yaml:12:7: unknown key 'pubish' …`.
    public var description: String {
        issues.map { "\(source):\($0)" }.joined(separator: "\n")
    }
}

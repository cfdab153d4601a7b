/// A published decision that is not a decision record's JSON object.
///
/// The message names the field and what was wrong with it, never the field's value (the
/// payload came from the network).
public struct DecisionJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "not a decision record: \(message)" }
}

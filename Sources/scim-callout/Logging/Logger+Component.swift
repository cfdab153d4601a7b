import Logging

extension Logger {
    /// A copy tagged with `component` metadata, for the logger handed to one library.
    func with(component: String) -> Logger {
        var copy = self
        copy[metadataKey: "component"] = .string(component)
        return copy
    }
}

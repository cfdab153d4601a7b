/// When a stream removes messages besides its limits (`retention`).
public enum RetentionPolicy: String, Codable, Hashable, Sendable {
    /// Keep messages until a limit (count, bytes, age) removes them.
    case limits
    /// Remove a message once every consumer with interest has acknowledged it.
    case interest
    /// Remove a message once any consumer has acknowledged it (work queue).
    case workQueue = "workqueue"
}

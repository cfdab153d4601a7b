import Foundation

/// The `resp` permission: how many replies, for how long, a user may publish per request.
public struct ResponseGrant: Sendable, Equatable {
    public var maxMessages: Int
    public var expires: Duration

    public init(maxMessages: Int, expires: Duration) {
        self.maxMessages = maxMessages
        self.expires = expires
    }
}

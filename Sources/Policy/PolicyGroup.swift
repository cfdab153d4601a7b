import Foundation

/// What the policy reads about a group a user is a member of (bindings match these).
public protocol PolicyGroup {
    var displayName: String { get }
    var externalId: String? { get }
}

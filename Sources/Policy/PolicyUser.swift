import Foundation

/// What the policy reads about a user: attributes for templates and group memberships.
///
/// The store's user type conforms, so a decision evaluates the user it read as it is, without
/// copying it into a policy type first.
public protocol PolicyUser {
    associatedtype Group: PolicyGroup
    var userName: String { get }
    var id: String { get }
    var externalId: String? { get }
    /// Direct group memberships.
    var groups: [Group] { get }
}

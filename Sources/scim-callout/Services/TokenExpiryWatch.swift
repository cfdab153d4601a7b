import Foundation
import IdentityStore

/// Decides, from the SCIM token list, what `scim_callout_scim_token_expiry_seconds` shows and when
/// to warn that a token is about to stop working (pure: tokens and a time in, actions out).
///
/// Tokens are judged by name, the way an IdP holds them: during a rotation's overlap the old
/// and the new token share the name, and only the one that lasts longest counts, so a planned
/// rotation raises no warning. A name with a token that never expires has no series.
struct TokenExpiryWatch: Sendable {
    /// What the shell does after an observation.
    enum Action: Equatable, Sendable {
        /// Set the gauge for `name` to `seconds` until its last token expires (negative once expired).
        case record(name: String, seconds: Double)
        /// Drop the gauge for `name` (revoked, or it no longer expires).
        case remove(name: String)
        /// Log a warning that `name`'s last token expires at `expiresAt`.
        case warn(name: String, expiresAt: Date)
    }

    /// How long before expiry the warnings start (the `ScimCalloutSCIMTokenNearExpiry` alert uses the same).
    static let warningWindow: TimeInterval = 14 * 86_400
    /// How often the warning is repeated for the same name.
    static let warningRepeat: TimeInterval = 86_400

    private var recorded: Set<String> = []
    private var lastWarned: [String: Date] = [:]

    /// Seconds until the last-expiring unrevoked token of each name expires; names with an
    /// unrevoked token that never expires are left out.
    static func expiries(_ tokens: [TokenInfo], at now: Date) -> [String: Double] {
        var latest: [String: Date?] = [:]
        for token in tokens where token.revokedAt == nil {
            switch (latest[token.name], token.expiresAt) {
            case (.none, let expiry): latest[token.name] = .some(expiry)
            case (.some(.none), _), (.some(.some), .none): latest[token.name] = .some(nil)
            case (.some(.some(let current)), .some(let expiry)): latest[token.name] = .some(max(current, expiry))
            }
        }
        return latest.compactMapValues { $0.map { $0.timeIntervalSince(now) } }
    }

    /// One observation of the token list at `now`.
    mutating func observe(_ tokens: [TokenInfo], at now: Date) -> [Action] {
        let expiries = Self.expiries(tokens, at: now)
        var actions: [Action] = []
        for name in recorded.subtracting(expiries.keys).sorted() {
            actions.append(.remove(name: name))
            lastWarned[name] = nil
        }
        for (name, seconds) in expiries.sorted(by: { $0.key < $1.key }) {
            actions.append(.record(name: name, seconds: seconds))
            if seconds < Self.warningWindow {
                if lastWarned[name].map({ now.timeIntervalSince($0) >= Self.warningRepeat }) ?? true {
                    actions.append(.warn(name: name, expiresAt: now.addingTimeInterval(seconds)))
                    lastWarned[name] = now
                }
            } else {
                lastWarned[name] = nil
            }
        }
        recorded = Set(expiries.keys)
        return actions
    }
}

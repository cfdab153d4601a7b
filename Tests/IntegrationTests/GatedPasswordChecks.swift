import AuthCallout
import Dispatch
import Foundation
import IdentityStore

/// The directory, with argon2id checks held at a gate until the test lets them go on. A held
/// check blocks a `PasswordCheckPool` thread, never the cooperative pool, just as a slow check
/// does.
final class GatedPasswordChecks: IdentityReading, @unchecked Sendable {
    let base: any CalloutDirectory
    private let holds: @Sendable (String) -> Bool
    // Guards the three counters below; held checks wait on it.
    private let condition = NSCondition()
    private var started = 0
    private var permits = 0
    private var isOpen = false

    /// Holds the checks of every password for which `holds` is true (by default all of them).
    init(_ base: any CalloutDirectory, holding holds: @escaping @Sendable (String) -> Bool = { _ in true }) {
        self.base = base
        self.holds = holds
    }

    /// The held checks started so far.
    var checksStarted: Int { condition.withLock { started } }

    /// Lets `count` held checks go on, those waiting now or the next ones to arrive.
    func open(_ count: Int = 1) {
        condition.withLock {
            permits += count
            condition.broadcast()
        }
    }

    /// Lets every held check go on, and every later one run at once.
    func openForGood() {
        condition.withLock {
            isOpen = true
            condition.broadcast()
        }
    }

    func identity(for key: CredentialKey, asOf: DispatchTime?) throws -> Identity? { try base.identity(for: key, asOf: asOf) }

    func verifyPassword(_ password: String, hash: String) -> Bool {
        if holds(password) {
            condition.lock()
            started += 1
            // A safety net so a failed test cannot hold the pool thread forever.
            let deadline = Date().addingTimeInterval(60)
            while !isOpen, permits == 0, condition.wait(until: deadline) {}
            if !isOpen, permits > 0 { permits -= 1 }
            condition.unlock()
        }
        return base.verifyPassword(password, hash: hash)
    }

    var decoyPasswordHash: String? { base.decoyPasswordHash }
}

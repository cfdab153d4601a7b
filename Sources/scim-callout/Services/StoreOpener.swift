import GRDB
import IdentityStore
import Logging

/// Opens the identity store with the configured durability.
///
/// `IdentityDatabase.open(path:)` always uses `synchronous=FULL`; `store.durability: normal`
/// trades the last transactions before a power loss (never a process crash: WAL keeps those)
/// for fewer fsyncs under heavy SCIM writes.
enum StoreOpener {
    static func open(_ store: Configuration.Store, logger: Logger) throws -> IdentityDatabase {
        guard store.durability != .full else { return try IdentityDatabase.open(path: store.path, logger: logger) }
        var configuration = GRDB.Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool = try DatabasePool(path: store.path, configuration: configuration)
        logger.info("identity store opened", metadata: ["store.path": "\(store.path)", "store.durability": "normal"])
        return try IdentityDatabase(pool, logger: logger)
    }
}

import Logging

/// Sets up the process-wide log handler from `log.level` and `log.format`.
///
/// Only the executable calls this, once, before it starts anything; libraries just take a
/// `Logger`.
enum LoggingBootstrap {
    static func bootstrap(_ log: Configuration.Log) {
        let level = log.level
        switch log.format {
        case .json:
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}

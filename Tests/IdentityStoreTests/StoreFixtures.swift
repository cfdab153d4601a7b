import Foundation
import IdentityStore
import Logging

/// A logger that drops everything (tests never bootstrap logging).
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

func makeStore() throws -> IdentityDatabase {
    try IdentityDatabase.inMemory(logger: quietLogger)
}

func userInput(_ userName: String, externalId: String? = nil, displayName: String? = nil, active: Bool = true,
               emails: [String] = [], nkeys: [String] = [], tags: [String] = []) -> UserInput {
    UserInput(userName: userName, externalId: externalId, displayName: displayName, active: active, emails: emails,
              nkeys: nkeys, tags: tags, resource: #"{"userName":"\#(userName)"}"#)
}

func groupInput(_ displayName: String, externalId: String? = nil) -> GroupInput {
    GroupInput(displayName: displayName, externalId: externalId, resource: #"{"displayName":"\#(displayName)"}"#)
}

import Foundation
import Hummingbird
import HummingbirdTesting
import IdentityStore
import Logging
import SCIM
import SCIMServer
import TestSupport

/// A logger that drops everything (tests never bootstrap logging).
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// An in-memory store, the repository's schemas, a SCIM token and the application.
struct ServerFixture {
    let store: IdentityDatabase
    let registry: SchemaRegistry
    let token: String
    let configuration: SCIMServerConfiguration

    init(configuration: SCIMServerConfiguration = .init(passwordHasher: .testing)) async throws {
        store = try IdentityDatabase.inMemory(logger: quietLogger)
        registry = try SchemaRegistry(directory: TestEnvironment.packageRoot.appendingPathComponent("Schemas"))
        token = try await store.issueSCIMToken(name: "test").token
        self.configuration = configuration
    }

    func application() -> some ApplicationProtocol {
        let router = SCIMRoutes.buildRouter(repository: store, registry: registry, configuration: configuration)
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           logger: quietLogger)
    }

    var authorization: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/scim+json"] }
}

extension TestResponse {
    /// The body as a SCIM JSON value.
    var json: JSONValue {
        get throws { try JSONValue.decode(Array(body.readableBytesView)) }
    }
}

extension TestClientProtocol {
    /// Sends a SCIM request with the fixture's token and a JSON body.
    func scim(_ uri: String, _ method: HTTPRequest.Method, _ fixture: ServerFixture, body: String? = nil,
              headers: HTTPFields = [:]) async throws -> TestResponse {
        var all = fixture.authorization
        for field in headers { all[field.name] = field.value }
        return try await execute(uri: "/scim/v2" + uri, method: method, headers: all,
                                 body: body.map { ByteBuffer(string: $0) })
    }
}

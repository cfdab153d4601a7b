import Foundation
import NATSClient
import NATSTestSupport
import NIOCore
import NIOSSL
import Testing
import TestSupport

/// TLS against nats-server with a throwaway CA and server certificate made by the openssl CLI.
@Suite("NATSClient TLS against nats-server")
struct NATSClientTLSTests {
    struct Certificates {
        var directory: URL
        var caPath: String { directory.appendingPathComponent("ca.pem").path }
        var certPath: String { directory.appendingPathComponent("server.pem").path }
        var keyPath: String { directory.appendingPathComponent("server.key").path }
    }

    static func makeCertificates() async throws -> Certificates {
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        guard FileManager.default.isExecutableFile(atPath: openssl.path) else {
            throw TestSupportError.missingTool(name: "openssl", path: openssl.path)
        }
        let directory = try TestEnvironment.temporaryDirectory("tls")
        let certificates = Certificates(directory: directory)
        let ext = directory.appendingPathComponent("san.cnf")
        try Data("subjectAltName=IP:127.0.0.1,DNS:localhost\n".utf8).write(to: ext)
        let key = { (name: String) in directory.appendingPathComponent(name).path }
        for arguments in [
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key("ca.key"), "-out", certificates.caPath, "-days", "1", "-subj", "/CN=scim-callout test CA"],
            ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", certificates.keyPath, "-out", key("server.csr"), "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", key("server.csr"), "-CA", certificates.caPath, "-CAkey", key("ca.key"),
             "-CAcreateserial", "-out", certificates.certPath, "-days", "1", "-extfile", ext.path],
        ] {
            let result = try await runCommand(openssl, arguments)
            guard result.status == 0 else {
                throw TestSupportError.processFailed(command: "openssl \(arguments[0])", status: result.status, output: result.stderr)
            }
        }
        return certificates
    }

    static func clientTLS(_ certificates: Certificates) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificates.caPath))
        return tls
    }

    func roundTrip(_ nats: NATSConnection) async throws {
        let subscription = try await nats.subscribe(to: "tls.check")
        try await nats.publish(ByteBuffer(string: "secure"), to: "tls.check")
        #expect(try await subscription.collect(1).first?.string == "secure")
    }

    @Test func requiredTLSUpgradesAfterInfo() async throws {
        let certificates = try await Self.makeCertificates()
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        let server = try await NATSServerProcess.start(config: """
            tls { cert_file: "\(certificates.certPath)", key_file: "\(certificates.keyPath)", timeout: 5 }
            """)
        let tls = try Self.clientTLS(certificates)
        let nats = try await NATSTestClient.connect(server) { $0.tls = .require(tls) }
        try await roundTrip(nats)
        #expect(nats.serverInfo?.tlsRequired == true)
        await nats.close()

        // A client that refuses TLS gets a clear error, not a hang.
        do {
            let plain = try await NATSTestClient.connect(server)
            await plain.close()
            Issue.record("plaintext connect to a TLS-only server should fail")
        } catch let error as NATSClientError {
            #expect(error.code == .tlsRequired)
        }
        // An untrusted certificate is refused.
        var untrusting = TLSConfiguration.makeClientConfiguration()
        untrusting.trustRoots = .certificates([])
        await #expect(throws: (any Error).self) {
            let nats = try await NATSTestClient.connect(server) { $0.tls = .require(untrusting) }
            await nats.close()
        }
        try await server.stop()
    }

    @Test func handshakeFirstStartsTLSBeforeInfo() async throws {
        let certificates = try await Self.makeCertificates()
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        let server = try await NATSServerProcess.start(config: """
            tls { cert_file: "\(certificates.certPath)", key_file: "\(certificates.keyPath)", handshake_first: true, timeout: 5 }
            """)
        let tls = try Self.clientTLS(certificates)
        let nats = try await NATSTestClient.connect(server) { $0.tls = .handshakeFirst(tls) }
        try await roundTrip(nats)
        await nats.close()
        try await server.stop()
    }

    @Test func tlsSchemeInTheURLRequiresTLS() async throws {
        let certificates = try await Self.makeCertificates()
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        let server = try await NATSServerProcess.start(config: """
            tls { cert_file: "\(certificates.certPath)", key_file: "\(certificates.keyPath)", timeout: 5 }
            """)
        // tls:// with the default (system) trust store cannot verify our test CA: it must fail
        // on the certificate, which proves TLS was attempted.
        await #expect(throws: (any Error).self) {
            let nats = try await NATSTestClient.connect(server) { $0.servers = ["tls://127.0.0.1:\(server.port)"] }
            await nats.close()
        }
        try await server.stop()
    }
}

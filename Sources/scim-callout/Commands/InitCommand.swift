import ArgumentParser
import Foundation
import NKeys

/// `scim-callout init`: keys, config.yaml, policy.yaml and matching nats-server configuration.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create keys (0600), config.yaml, policy.yaml and a matching nats-server.conf in the data folder.",
        discussion: """
            Writes issuer.nk (account nkey: signs responses), xkey.nk (curve key: seals requests \
            and replies), service.nk (the service's NATS user), sys.nk (a system-account user for \
            KICK), config.yaml, policy.yaml (a demo binding: group nats-demo may use demo.>), \
            nats-server.conf (config mode) and nats-operator-mode.txt (the nsc commands for operator mode). \
            Existing files stop it (exit 73) unless --keep-existing (keep them, add what is missing) \
            or --force (replace everything) is given.
            """
    )

    @Option(help: ArgumentHelp("The data folder (default: $SCIM_CALLOUT_DATA_DIR, else ./data).", valueName: "dir"))
    var dataDir: String?

    @Option(help: "NATS URL written into config.yaml.")
    var natsURL = "nats://127.0.0.1:4222"

    @Option(help: "listen address written into nats-server.conf.")
    var natsListen = "127.0.0.1:4222"

    @Option(help: "http.listen written into config.yaml.")
    var httpListen = "127.0.0.1:8080"

    @Option(help: "The account allowed users land in (policy.yaml, nats-server.conf).")
    var account = "APP"

    @Flag(help: "Keep files that exist; create only the missing ones.")
    var keepExisting = false

    @Flag(help: "Replace every file, including the keys (connected servers must be reconfigured).")
    var force = false

    func validate() throws {
        if keepExisting && force { throw ValidationError("--keep-existing and --force exclude each other") }
        guard account.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }), !account.isEmpty else {
            throw ValidationError("--account must be a plain account name such as APP")
        }
        guard ListenAddress(parsing: natsListen) != nil else { throw ValidationError("--nats-listen must be host:port") }
        guard ListenAddress(parsing: httpListen) != nil else { throw ValidationError("--http-listen must be host:port") }
    }

    func run() async throws {
        try await reportingErrors {
            let environment = ProcessInfo.processInfo.environment
            let directory = URL(fileURLWithPath: dataDir ?? environment["SCIM_CALLOUT_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "data")
            let names = ["issuer.nk", "xkey.nk", "service.nk", "sys.nk", "config.yaml", "policy.yaml",
                         "nats-server.conf", "nats-operator-mode.txt"]
            let existing = names.filter { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
            if !existing.isEmpty && !keepExisting && !force {
                throw CLIError(.cannotCreate, "\(directory.path) already has \(existing.joined(separator: ", ")); "
                               + "pass --keep-existing to keep them or --force to replace them")
            }
            var report: [(String, String)] = []
            func key(_ name: String, _ make: () throws -> AnyKeyPair) throws -> AnyKeyPair {
                let url = directory.appendingPathComponent(name)
                if keepExisting, FileManager.default.fileExists(atPath: url.path) {
                    report.append((name, "kept"))
                    return try AnyKeyPair(seed: try SeedFile.read(url.path), source: url.path)
                }
                let pair = try make()
                try SeedFile.write(pair.encodedSeed, to: url, overwrite: true)
                report.append((name, "written (0600)"))
                return pair
            }
            func file(_ name: String, _ text: String) throws {
                let url = directory.appendingPathComponent(name)
                if keepExisting, FileManager.default.fileExists(atPath: url.path) {
                    report.append((name, "kept"))
                    return
                }
                try SeedFile.writePrivate(Data(text.utf8), to: url, overwrite: true, mode: 0o644)
                report.append((name, "written"))
            }
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw CLIError(.cannotCreate, "cannot create \(directory.path): \(error.localizedDescription)")
            }
            let issuer = try key("issuer.nk") { .signing(try KeyPair.generate(.account)) }
            let xkey = try key("xkey.nk") { .curve(try XKeyPair.generate()) }
            let service = try key("service.nk") { .signing(try KeyPair.generate(.user)) }
            let system = try key("sys.nk") { .signing(try KeyPair.generate(.user)) }
            let templates = InitTemplates(
                issuer: issuer.publicKey, xkey: xkey.publicKey, serviceUser: service.publicKey,
                systemUser: system.publicKey, account: account, natsURL: natsURL, natsListen: natsListen,
                httpListen: httpListen)
            try file("config.yaml", templates.config)
            try file("policy.yaml", templates.policy)
            try file("nats-server.conf", templates.natsServerConfig)
            try file("nats-operator-mode.txt", templates.operatorModeSnippet)
            print("data folder: \(directory.path)")
            for (name, outcome) in report { print("  \(name): \(outcome)") }
            print("issuer (auth_callout.issuer): \(issuer.publicKey)")
            print("xkey (auth_callout.xkey):     \(xkey.publicKey)")
            print("next: nats-server -c \(directory.appendingPathComponent("nats-server.conf").path)")
            print("      scim-callout serve --config \(directory.appendingPathComponent("config.yaml").path)")
        }
    }
}

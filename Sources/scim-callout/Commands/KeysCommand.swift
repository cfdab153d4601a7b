import ArgumentParser
import Foundation
import NKeys

/// `scim-callout keys generate|inspect`
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Generate or inspect nkeys (account, user, …) and xkeys (curve).",
        discussion: "Seeds are written with mode 0600 and never printed unless --show-seed is given.",
        subcommands: [Generate.self, Inspect.self]
    )

    enum KeyKind: String, ExpressibleByArgument, CaseIterable {
        case account, user, `operator`, server, curve
    }

    /// `scim-callout keys generate`
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a key pair: writes the seed to --out (0600) and prints the public key.")

        @Option(help: "Key type: account (callout issuer), user, operator, server, or curve (xkey).")
        var type: KeyKind = .account

        @Option(help: ArgumentHelp("File to write the seed to (mode 0600).", valueName: "file"))
        var out: String?

        @Flag(help: "Replace --out if it exists.")
        var force = false

        @Flag(help: "Also print the seed on standard output (it is a secret).")
        var showSeed = false

        func run() async throws {
            try await reportingErrors {
                guard out != nil || showSeed else {
                    throw CLIError(.usage, "give --out FILE to store the seed, or --show-seed to print it")
                }
                let pair: AnyKeyPair
                do {
                    switch type {
                    case .curve: pair = .curve(try XKeyPair.generate())
                    case .account: pair = .signing(try KeyPair.generate(.account))
                    case .user: pair = .signing(try KeyPair.generate(.user))
                    case .operator: pair = .signing(try KeyPair.generate(.operator))
                    case .server: pair = .signing(try KeyPair.generate(.server))
                    }
                } catch {
                    throw CLIError(.failure, "key generation failed: \(error)")
                }
                if let out {
                    try SeedFile.write(pair.encodedSeed, to: URL(fileURLWithPath: out), overwrite: force)
                }
                print(pair.publicKey)
                if showSeed { print(pair.encodedSeed) }
            }
        }
    }

    /// `scim-callout keys inspect`
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the type and public key of a seed file (or '-' for standard input), or check a public key.")

        @Argument(help: ArgumentHelp("A seed file, '-', or a public key (A…, U…, X…).", valueName: "file-or-key"))
        var input: String

        @Flag(help: "Also print the seed (it is a secret).")
        var showSeed = false

        func run() async throws {
            try await reportingErrors {
                if input.count == 56, let first = input.first, "OAUNCX".contains(first) {
                    do {
                        let key = try PublicKey(input)
                        print("type: \(key.type.rawValue)")
                        print("public key: \(key.encoded)")
                    } catch {
                        throw CLIError(.dataError, "not a valid public key: \(error)")
                    }
                    return
                }
                let pair = try AnyKeyPair(seed: try SeedFile.read(input), source: input)
                print("type: \(pair.typeName)")
                print("public key: \(pair.publicKey)")
                if showSeed { print("seed: \(pair.encodedSeed)") }
            }
        }
    }
}

import NKeys

/// A seed of any kind: ed25519 (`KeyPair`) or curve (`XKeyPair`).
enum AnyKeyPair {
    case signing(KeyPair)
    case curve(XKeyPair)

    init(seed: String, source: String) throws(CLIError) {
        if seed.hasPrefix("SX") {
            do { self = .curve(try XKeyPair(seed: seed)) } catch { throw CLIError(.dataError, "\(source): not a valid xkey seed (\(error))") }
        } else {
            do { self = .signing(try KeyPair(seed: seed)) } catch { throw CLIError(.dataError, "\(source): not a valid nkey seed (\(error))") }
        }
    }

    var publicKey: String {
        switch self {
        case .signing(let pair): pair.publicKey
        case .curve(let pair): pair.publicKey
        }
    }

    var typeName: String {
        switch self {
        case .signing(let pair): pair.type.rawValue
        case .curve: "curve"
        }
    }

    var encodedSeed: String {
        switch self {
        case .signing(let pair): pair.encodedSeed()
        case .curve(let pair): pair.encodedSeed()
        }
    }
}

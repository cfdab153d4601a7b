import Foundation

extension Configuration {
    /// `path` as an absolute URL: absolute paths stay, relative ones join `base`.
    static func resolve(_ path: String, against base: URL) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        if path.hasPrefix("~/") {
            return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(String(path.dropFirst(2)))
        }
        return base.appendingPathComponent(path).standardizedFileURL
    }

    /// Makes every path setting absolute, so the service does not depend on its working directory.
    mutating func resolvePaths(against base: URL) {
        func fix(_ path: inout String) { path = Self.resolve(path, against: base).path }
        func fix(_ path: inout String?) { if let value = path { path = Self.resolve(value, against: base).path } }
        fix(&nats.nkeySeedFile)
        fix(&nats.credentialsFile)
        fix(&nats.tls.caFile)
        fix(&nats.tls.certFile)
        fix(&nats.tls.keyFile)
        fix(&nats.system.credentialsFile)
        fix(&nats.system.nkeySeedFile)
        fix(&keys.issuerSeedFile)
        fix(&keys.xkeySeedFile)
        fix(&http.tls.certFile)
        fix(&http.tls.keyFile)
        fix(&store.path)
        fix(&scim.schemasDirectory)
        fix(&policy.file)
        fix(&decisions.path)
    }
}

import Foundation
import NKeys

/// Reading and writing seed files: 0600, one seed per file, never echoed.
enum SeedFile {
    /// Writes `seed` to `url` with mode 0600 (created that way, so it is never world-readable).
    /// - Throws: `CLIError(.cannotCreate)` when the file exists and `overwrite` is false.
    static func write(_ seed: String, to url: URL, overwrite: Bool) throws(CLIError) {
        try writePrivate(Data((seed + "\n").utf8), to: url, overwrite: overwrite)
    }

    /// Writes `data` with mode 0600 through a temporary file and a rename, so a reader never
    /// sees a half-written key.
    static func writePrivate(_ data: Data, to url: URL, overwrite: Bool, mode: mode_t = 0o600) throws(CLIError) {
        let manager = FileManager.default
        if manager.fileExists(atPath: url.path) && !overwrite {
            throw CLIError(.cannotCreate, "\(url.path) already exists; pass --force to replace it")
        }
        do {
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw CLIError(.cannotCreate, "cannot create \(url.deletingLastPathComponent().path): \(error.localizedDescription)")
        }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, mode)
        guard fd >= 0 else {
            throw CLIError(.cannotCreate, "cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0, rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw CLIError(.cannotCreate, "cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Reads a seed (`SA…`, `SU…`, `SX…`) from a file, or standard input for `-`.
    static func read(_ path: String) throws(CLIError) -> String {
        let data: Data?
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            data = FileManager.default.contents(atPath: path)
        }
        guard let data else { throw CLIError(.notFound, "\(path) does not exist or is not readable") }
        // A .creds file holds the seed between marker lines: take the first line that looks like one.
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let seed = lines.first(where: { $0.hasPrefix("S") && $0.count == 58 }) ?? lines.first(where: { !$0.isEmpty })
        else { throw CLIError(.dataError, "\(path) is empty") }
        return seed
    }
}

import Foundation

/// An object's meta message (`$O.<bucket>.M.<base64url name>`), in the layout nats.go and
/// nats-py write (ADR-20).
public struct ObjectInfo: Codable, Hashable, Sendable {
    public var name: String
    public var description: String?
    public var bucket: String
    /// The chunks' subject token: `$O.<bucket>.C.<nuid>`.
    public var nuid: String
    /// Total bytes.
    public var size: UInt64
    /// When it was written (RFC 3339), as the writer recorded it (nats.go writes the zero time).
    public var modified: String?
    public var chunks: Int
    /// `SHA-256=` and the base64url (padded) SHA-256 of the bytes.
    public var digest: String
    /// True for a delete marker.
    public var deleted: Bool
    /// The chunk size the writer used.
    public var maxChunkSize: Int?
    /// Object headers (`headers`, Go's `nats.Header`: each name maps to its values); nats-py
    /// reads them as `ObjectInfo.headers`.
    public var headers: [String: [String]]
    /// Free-form metadata (`metadata`, nats.go's `ObjectMeta.Metadata`; `nats object info` shows it).
    public var metadata: [String: String]

    public init(name: String, description: String? = nil, bucket: String, nuid: String, size: UInt64,
                modified: String? = nil, chunks: Int, digest: String, deleted: Bool = false, maxChunkSize: Int? = nil,
                headers: [String: [String]] = [:], metadata: [String: String] = [:]) {
        self.name = name
        self.description = description
        self.bucket = bucket
        self.nuid = nuid
        self.size = size
        self.modified = modified
        self.chunks = chunks
        self.digest = digest
        self.deleted = deleted
        self.maxChunkSize = maxChunkSize
        self.headers = headers
        self.metadata = metadata
    }

    private struct Options: Codable, Hashable {
        var maxChunkSize: Int?
        enum CodingKeys: String, CodingKey { case maxChunkSize = "max_chunk_size" }
    }

    enum CodingKeys: String, CodingKey {
        case name, description, bucket, nuid, size, chunks, digest, deleted, options, headers, metadata
        case modified = "mtime"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        bucket = try container.decodeIfPresent(String.self, forKey: .bucket) ?? ""
        nuid = try container.decodeIfPresent(String.self, forKey: .nuid) ?? ""
        size = try container.decodeIfPresent(UInt64.self, forKey: .size) ?? 0
        modified = try container.decodeIfPresent(String.self, forKey: .modified)
        chunks = try container.decodeIfPresent(Int.self, forKey: .chunks) ?? 0
        digest = try container.decodeIfPresent(String.self, forKey: .digest) ?? ""
        deleted = try container.decodeIfPresent(Bool.self, forKey: .deleted) ?? false
        maxChunkSize = try container.decodeIfPresent(Options.self, forKey: .options)?.maxChunkSize
        headers = try container.decodeIfPresent([String: [String]].self, forKey: .headers) ?? [:]
        metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(description, forKey: .description)
        try container.encode(bucket, forKey: .bucket)
        try container.encode(nuid, forKey: .nuid)
        try container.encode(size, forKey: .size)
        try container.encodeIfPresent(modified, forKey: .modified)
        try container.encode(chunks, forKey: .chunks)
        try container.encode(digest, forKey: .digest)
        if deleted { try container.encode(true, forKey: .deleted) }
        if let maxChunkSize { try container.encode(Options(maxChunkSize: maxChunkSize), forKey: .options) }
        if !headers.isEmpty { try container.encode(headers, forKey: .headers) }
        if !metadata.isEmpty { try container.encode(metadata, forKey: .metadata) }
    }

    /// `SHA-256=<base64url digest>` for these bytes' SHA-256.
    static func digestText(_ sha256: [UInt8]) -> String { "SHA-256=" + Base64URL.encode(sha256) }

    /// The first value of header `name` (names compare case-insensitively, as NATS headers do).
    public func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value.first
    }

    /// The SHA-256 the digest names; nil when it is not a `SHA-256=` digest.
    var sha256: [UInt8]? {
        let prefix = "SHA-256="
        guard digest.uppercased().hasPrefix(prefix.uppercased()) else { return nil }
        return Base64URL.decode(String(digest.dropFirst(prefix.count)))
    }
}

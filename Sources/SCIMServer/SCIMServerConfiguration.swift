import IdentityStore

/// Settings of the SCIM endpoint.
public struct SCIMServerConfiguration: Sendable {
    /// Where the endpoint is mounted (no leading or trailing slash).
    public var mountPath: String
    /// The externally visible base URL (e.g. `https://idp-sync.example.com/scim/v2`) used in
    /// `meta.location` and `Location`; nil derives it from the request's `Host` header.
    public var publicBaseURL: String?
    /// The largest request body accepted (413 above it).
    public var maxBodyBytes: Int
    /// The largest page a list or search returns (`filter.maxResults`).
    public var maxResults: Int
    /// The page size when the client does not ask for one.
    public var defaultCount: Int
    /// The most operations one `/Bulk` request may carry (`bulk.maxOperations`).
    public var bulkMaxOperations: Int
    /// The largest `/Bulk` body accepted (`bulk.maxPayloadSize`).
    public var bulkMaxPayloadBytes: Int
    /// How passwords are hashed.
    public var passwordHasher: PasswordHasher
    /// Keep group members whose id names no user or group instead of refusing the write with
    /// 400 `invalidValue` (`scim.lenient_members`; off by default).
    public var lenientMembers: Bool
    /// The most requests one SCIM bearer token may have in progress at once (429 above it).
    public var maxConcurrentPerToken: Int

    /// The default ``maxBodyBytes``.
    public static let defaultMaxBodyBytes = 1 << 20

    public init(
        mountPath: String = "scim/v2",
        publicBaseURL: String? = nil,
        maxBodyBytes: Int = defaultMaxBodyBytes,
        maxResults: Int = 1000,
        defaultCount: Int = 100,
        bulkMaxOperations: Int = 1000,
        bulkMaxPayloadBytes: Int = 4 << 20,
        passwordHasher: PasswordHasher = .standard,
        lenientMembers: Bool = false,
        maxConcurrentPerToken: Int = 16
    ) {
        self.mountPath = mountPath
        self.publicBaseURL = publicBaseURL
        self.maxBodyBytes = maxBodyBytes
        self.maxResults = maxResults
        self.defaultCount = defaultCount
        self.bulkMaxOperations = bulkMaxOperations
        self.bulkMaxPayloadBytes = bulkMaxPayloadBytes
        self.passwordHasher = passwordHasher
        self.lenientMembers = lenientMembers
        self.maxConcurrentPerToken = maxConcurrentPerToken
    }
}

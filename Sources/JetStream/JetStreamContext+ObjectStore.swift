extension JetStreamContext {
    /// Creates (or opens, when identical) the bucket's `OBJ_<bucket>` stream.
    public func createObjectStore(
        bucket: String, description: String? = nil, storage: StorageType = .file, replicas: Int = 1
    ) async throws(JetStreamError) -> ObjectStore {
        try Self.validate(bucket: bucket)
        _ = try await createStream(ObjectStore.streamConfig(bucket: bucket, description: description, storage: storage, replicas: replicas))
        return ObjectStore(bucket: bucket, js: self)
    }

    /// The bucket, created as ``createObjectStore(bucket:description:storage:replicas:)`` does when
    /// it is missing, returned once its stream answers (see ``streamInfo(_:creatingWith:within:)``:
    /// processes started together race to create it).
    public func objectStore(
        bucket: String, creatingWith description: String? = nil, storage: StorageType = .file, replicas: Int = 1,
        within limit: Duration
    ) async throws -> ObjectStore {
        try Self.validate(bucket: bucket)
        let config = ObjectStore.streamConfig(bucket: bucket, description: description, storage: storage, replicas: replicas)
        _ = try await streamInfo(config.name, creatingWith: config, within: limit)
        return ObjectStore(bucket: bucket, js: self)
    }

    /// An existing bucket.
    /// - Throws: ``JetStreamError/Code/streamNotFound`` when it does not exist.
    public func objectStore(bucket: String) async throws(JetStreamError) -> ObjectStore {
        try Self.validate(bucket: bucket)
        _ = try await streamInfo(ObjectStore.streamName(bucket))
        return ObjectStore(bucket: bucket, js: self)
    }

    static func validate(bucket: String) throws(JetStreamError) {
        guard !bucket.isEmpty, bucket.unicodeScalars.allSatisfy(Self.isBucketCharacter) else {
            throw JetStreamError(.invalidArgument, "bucket names use only letters, digits, '-' and '_'")
        }
    }

    private static func isBucketCharacter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        let character = Character(scalar)
        return character.isLetter || character.isNumber || character == "-" || character == "_"
    }
}

/// Facts about this build, shown by `scim-callout version` and in `/metrics`.
enum BuildInfo {
    static let version = "0.1.0"
}

// swift-tools-version: 6.1
import PackageDescription

// libFuzzer harnesses, one executable per parser that takes untrusted bytes. Built only by
// `scripts/fuzz.sh` (`make fuzz`) with `-sanitize=fuzzer,address`; each `main` hands its `fuzz`
// function to libFuzzer's driver. A package of its own, so `swift build` of the main package
// never builds them. See docs/fuzzing.md.
let harnesses: [(name: String, products: [String])] = [
    ("FuzzNATSProtocol", ["NATSClient"]),
    ("FuzzJWT", ["NATSJWT", "NKeys"]),
    ("FuzzCalloutRequest", ["NATSJWT", "NKeys"]),
    ("FuzzNKeys", ["NKeys"]),
    ("FuzzSCIMFilter", ["SCIM"]),
    ("FuzzSCIMPatch", ["SCIM"]),
    ("FuzzSCIMJSON", ["SCIM"]),
    ("FuzzPolicy", ["Policy"]),
]

let package = Package(
    name: "scim-callout-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "scim-callout", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [.target(name: "CFuzzerDriver")] + harnesses.map { harness in
        .executableTarget(
            name: harness.name,
            dependencies: ["CFuzzerDriver"] + harness.products.map { .product(name: $0, package: "scim-callout") }
                + (harness.name == "FuzzNATSProtocol" ? [.product(name: "NIOCore", package: "swift-nio")] : [])
        )
    },
    swiftLanguageModes: [.v6]
)

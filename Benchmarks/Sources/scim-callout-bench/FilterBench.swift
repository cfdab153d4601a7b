import SCIM

/// Cost of the SCIM query path the IdPs exercise: parsing filters, compiling them against the
/// User schema, and evaluating them over in-memory resources; plus applying a typical
/// Entra-style PATCH.
///
/// Call from `BenchMain`: `report.add(suite: "SCIM filters and PATCH", results: try FilterBench.run())`.
enum FilterBench {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let filters = [
        #"userName eq "user-500@example.com""#,
        #"externalId eq "ext-42""#,
        #"emails[type eq "work" and value co "@example.com"]"#,
        #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        #"meta.lastModified gt "2024-01-01T00:00:00Z" and active eq true"#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Ops""#,
    ]

    /// - Parameters:
    ///   - resources: users evaluated per filter.
    ///   - iterations: passes; the best pass is reported.
    static func run(resources: Int = 10_000, iterations: Int = 5) throws -> [BenchResult] {
        let registry = try SchemaRegistry(
            schemaDocuments: [userSchema, enterpriseSchema, groupSchema], resourceTypeDocuments: [userType, groupType])
        let users = (0..<resources).map(makeUser)
        let clock = ContinuousClock()

        var parseBest = Duration.seconds(1_000)
        let parseRounds = 2_000
        for _ in 0..<iterations {
            let start = clock.now
            for _ in 0..<parseRounds {
                for text in filters { _ = try Filter.parse(text) }
            }
            parseBest = min(parseBest, clock.now - start)
        }

        let evaluator = FilterEvaluator(type: registry.user)
        let compiled = try filters.map { try evaluator.compile(Filter.parse($0)) }
        var evaluateBest = Duration.seconds(1_000)
        var matched = 0
        for _ in 0..<iterations {
            matched = 0
            let start = clock.now
            for filter in compiled {
                for user in users where filter.matches(user) { matched += 1 }
            }
            evaluateBest = min(evaluateBest, clock.now - start)
        }
        guard matched > 0 else { throw Failure(description: "no filter matched any user") }

        let patch = try PatchRequest(bytes: Array(#"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
              {"op":"Replace","path":"emails[type eq \"work\"].value","value":"updated@example.com"},
              {"op":"Replace","path":"name.familyName","value":"Updated"},
              {"op":"Replace","path":"active","value":"False"}]}
            """#.utf8))
        let engine = PatchEngine()
        let validator = ResourceValidator()
        var patchBest = Duration.seconds(1_000)
        let patchRounds = 20_000
        for _ in 0..<iterations {
            let start = clock.now
            for index in 0..<patchRounds {
                let user = users[index % users.count]
                let patched = try engine.apply(patch, to: user, type: registry.user)
                _ = try validator.normalizeForPatch(patched, existing: user, type: registry.user)
            }
            patchBest = min(patchBest, clock.now - start)
        }

        let parsesPerSecond = Double(parseRounds * filters.count) / seconds(parseBest)
        let evaluationsPerSecond = Double(resources * filters.count) / seconds(evaluateBest)
        return [
            BenchResult(name: "scim.filter.parse", value: parsesPerSecond, unit: "filters/s"),
            BenchResult(name: "scim.filter.evaluate", value: evaluationsPerSecond, unit: "resource checks/s"),
            BenchResult(name: "scim.patch.apply_validate", value: Double(patchRounds) / seconds(patchBest), unit: "patches/s"),
        ]
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func makeUser(_ index: Int) -> JSONValue {
        .object([
            "schemas": [.string(SchemaURN.user), .string(SchemaURN.enterpriseUser)],
            "id": .string("id-\(index)"),
            "externalId": .string("ext-\(index)"),
            "userName": .string("user-\(index)@example.com"),
            "userType": index % 3 == 0 ? "Contractor" : "Employee",
            "active": .bool(index % 7 != 0),
            "name": ["givenName": "Given", "familyName": .string("Family\(index)")],
            "emails": [
                ["type": "work", "value": .string("user-\(index)@example.com"), "primary": true],
                ["type": "home", "value": .string("u\(index)@example.org")],
            ],
            .init(stringLiteral: SchemaURN.enterpriseUser): ["department": index % 10 == 0 ? "Ops" : "Sales"],
            "meta": ["lastModified": index % 2 == 0 ? "2024-06-01T12:00:00Z" : "2023-06-01T12:00:00Z"],
        ])
    }

    // A trimmed User schema so the bench does not depend on the repository layout at run time.
    private static let userSchema: JSONValue = [
        "id": .string(SchemaURN.user), "name": "User",
        "attributes": [
            ["name": "userName", "type": "string", "required": true, "uniqueness": "server"],
            ["name": "userType", "type": "string"],
            ["name": "active", "type": "boolean"],
            ["name": "name", "type": "complex", "subAttributes": [
                ["name": "givenName", "type": "string"], ["name": "familyName", "type": "string"],
            ]],
            ["name": "emails", "type": "complex", "multiValued": true, "subAttributes": [
                ["name": "value", "type": "string"], ["name": "type", "type": "string"], ["name": "primary", "type": "boolean"],
            ]],
        ],
    ]
    private static let enterpriseSchema: JSONValue = [
        "id": .string(SchemaURN.enterpriseUser), "name": "EnterpriseUser",
        "attributes": [["name": "department", "type": "string"]],
    ]
    private static let userType: JSONValue = [
        "id": "User", "endpoint": "/Users", "schema": .string(SchemaURN.user),
        "schemaExtensions": [["schema": .string(SchemaURN.enterpriseUser), "required": false]],
    ]
    private static let groupSchema: JSONValue = [
        "id": .string(SchemaURN.group), "name": "Group",
        "attributes": [["name": "displayName", "type": "string", "required": true]],
    ]
    private static let groupType: JSONValue = ["id": "Group", "endpoint": "/Groups", "schema": .string(SchemaURN.group)]
}

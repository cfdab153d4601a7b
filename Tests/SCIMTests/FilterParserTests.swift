import Testing

@testable import SCIM

private func path(_ attribute: String, _ sub: String? = nil, schema: String? = nil) -> AttributePath {
    AttributePath(schema: schema, attribute: attribute, subAttribute: sub)
}

@Suite("Filter parser")
struct FilterParserTests {
    @Test("every comparison operator, in any case", arguments: CompareOperator.allCases)
    func operators(op: CompareOperator) throws {
        #expect(try Filter.parse("userName \(op.rawValue) \"x\"") == .comparison(path("userName"), op, "x"))
        #expect(try Filter.parse("userName \(op.rawValue.uppercased()) \"x\"") == .comparison(path("userName"), op, "x"))
    }

    @Test(
        "RFC 7644 §3.4.2.2 examples and more parse to the expected tree",
        arguments: [
            (#"userName Eq "john""#, Filter.comparison(path("userName"), .eq, "john")),
            (#"name.familyName co "O'Malley""#, .comparison(path("name", "familyName"), .co, "O'Malley")),
            (#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
             .comparison(path("userName", schema: "urn:ietf:params:scim:schemas:core:2.0:User"), .sw, "J")),
            (#"title pr"#, .present(path("title"))),
            (#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
             .comparison(path("meta", "lastModified"), .gt, "2011-05-13T04:42:34Z")),
            (#"title pr and userType eq "Employee""#,
             .and(.present(path("title")), .comparison(path("userType"), .eq, "Employee"))),
            (#"title pr or userType eq "Intern""#,
             .or(.present(path("title")), .comparison(path("userType"), .eq, "Intern"))),
            (#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
             .and(.comparison(path("userType"), .eq, "Employee"),
                  .or(.comparison(path("emails"), .co, "example.com"),
                      .comparison(path("emails", "value"), .co, "example.org")))),
            (#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
             .and(.comparison(path("userType"), .ne, "Employee"),
                  .not(.or(.comparison(path("emails"), .co, "example.com"),
                           .comparison(path("emails", "value"), .co, "example.org"))))),
            (#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
             .and(.comparison(path("userType"), .eq, "Employee"),
                  .valuePath(path("emails"), .and(.comparison(path("type"), .eq, "work"),
                                                  .comparison(path("value"), .co, "@example.com"))))),
            (#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
             .or(.valuePath(path("emails"), .and(.comparison(path("type"), .eq, "work"),
                                                 .comparison(path("value"), .co, "@example.com"))),
                 .valuePath(path("ims"), .and(.comparison(path("type"), .eq, "xmpp"),
                                              .comparison(path("value"), .co, "@foo.com"))))),
            (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#,
             .comparison(path("manager", "value", schema: SchemaURN.enterpriseUser), .eq,
                         "26118915-6090-4610-87e4-49d8ca9f808d")),
            (#"active eq True"#, .comparison(path("active"), .eq, true)),
            (#"active eq false"#, .comparison(path("active"), .eq, false)),
            (#"x eq null"#, .comparison(path("x"), .eq, nil)),
            (#"count ge -3"#, .comparison(path("count"), .ge, -3)),
            (#"ratio lt 1.5e3"#, .comparison(path("ratio"), .lt, 1500.0)),
            (#"displayName eq "a \"quoted\" \\ name \u00e9""#,
             .comparison(path("displayName"), .eq, "a \"quoted\" \\ name é")),
            (#"((userName eq "a"))"#, .comparison(path("userName"), .eq, "a")),
            (#"emails[type eq "work"].value co "@x""#,
             .valuePath(path("emails"), .and(.comparison(path("type"), .eq, "work"),
                                             .comparison(path("value"), .co, "@x")))),
            ("members[value eq \"1\"]", .valuePath(path("members"), .comparison(path("value"), .eq, "1"))),
            (#"NOT (a pr)"#, .not(.present(path("a")))),
            (#"$ref eq "x""#, .comparison(path("$ref"), .eq, "x")),
        ]
    )
    func parses(text: String, expected: Filter) throws {
        #expect(try Filter.parse(text) == expected)
    }

    @Test("precedence: not binds tighter than and, and tighter than or")
    func precedence() throws {
        let parsed = try Filter.parse("a pr or b pr and not (c pr) or d pr")
        let expected: Filter = .or(
            .or(.present(path("a")), .and(.present(path("b")), .not(.present(path("c"))))),
            .present(path("d"))
        )
        #expect(parsed == expected)
        #expect(try Filter.parse("(a pr or b pr) and c pr") == .and(.or(.present(path("a")), .present(path("b"))), .present(path("c"))))
    }

    @Test(
        "invalid filters are 400 invalidFilter",
        arguments: [
            "", "   ", "userName", "userName eq", "userName xx \"a\"", "userName eq \"unterminated",
            "userName eq bare", "(userName eq \"a\"", "userName eq \"a\")", "userName eq \"a\" and",
            "and userName eq \"a\"", "emails[type eq \"work\"", "emails[type eq \"work\"]]",
            "emails[type[value eq \"x\"] eq \"y\"]", "name.givenName[x eq \"y\"]", "1abc eq \"x\"",
            "a.b.c eq \"x\"", "userName eq \"a\" userName eq \"b\"", "not userName eq \"a\"",
            "userName eq \"\\q\"", "userName pr pr", "userName eq 01", "urn: eq \"x\"", "a eq [\"x\"]",
            "userName eq ()", "emails[] pr", "not ()", "[", "]", ")", "a eq 1e999",
        ]
    )
    func rejects(text: String) {
        #expect {
            try Filter.parse(text)
        } throws: { error in
            (error as? SCIMError)?.scimType == .invalidFilter && (error as? SCIMError)?.status == 400
        }
    }

    @Test("limits: nesting, term count and length are bounded")
    func limits() throws {
        let nested = String(repeating: "(", count: 10_000) + "a pr" + String(repeating: ")", count: 10_000)
        #expect(throws: SCIMError.self) { try Filter.parse(nested) }
        let nots = String(repeating: "not (", count: 5_000) + "a pr" + String(repeating: ")", count: 5_000)
        #expect(throws: SCIMError.self) { try Filter.parse(nots) }
        let manyTerms = Array(repeating: "a pr", count: Filter.maximumTerms + 1).joined(separator: " or ")
        #expect(throws: SCIMError.self) { try Filter.parse(manyTerms) }
        let okTerms = Array(repeating: "a pr", count: Filter.maximumTerms).joined(separator: " or ")
        #expect((try? Filter.parse(okTerms)) != nil)
        let long = "userName eq \"" + String(repeating: "x", count: Filter.maximumLength) + "\""
        #expect(throws: SCIMError.self) { try Filter.parse(long) }
        let okNesting = String(repeating: "(", count: Filter.maximumNesting) + "a pr"
            + String(repeating: ")", count: Filter.maximumNesting)
        #expect((try? Filter.parse(okNesting)) != nil)
    }

    @Test("description re-parses to the same tree")
    func descriptionRoundTrip() throws {
        for text in [
            #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            #"emails[type eq "work" and value co "@example.com"] or active eq true"#,
            #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "7""#,
        ] {
            let filter = try Filter.parse(text)
            #expect(try Filter.parse(filter.description) == filter)
        }
    }

    @Test(
        "PATCH paths",
        arguments: [
            ("userName", AttributePath(attribute: "userName")),
            ("name.givenName", AttributePath(attribute: "name", subAttribute: "givenName")),
            (#"emails[type eq "work"].value"#,
             AttributePath(attribute: "emails", subAttribute: "value",
                           valueFilter: .comparison(AttributePath(attribute: "type"), .eq, "work"))),
            (#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#,
             AttributePath(attribute: "members",
                           valueFilter: .comparison(AttributePath(attribute: "value"), .eq,
                                                    "2819c223-7f76-453a-919d-413861904646"))),
            ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
             AttributePath(schema: SchemaURN.enterpriseUser, attribute: "manager", subAttribute: "value")),
        ]
    )
    func patchPaths(text: String, expected: AttributePath) throws {
        #expect(try AttributePath.parse(text) == expected)
    }

    @Test("invalid PATCH paths are 400 invalidPath", arguments: ["", "a b", "emails[", "a..b", "emails[x eq 1]x", "a.b.c", "[x]"])
    func badPatchPaths(text: String) {
        #expect {
            try AttributePath.parse(text)
        } throws: { error in
            (error as? SCIMError)?.scimType == .invalidPath
        }
    }
}

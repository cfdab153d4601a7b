import Testing

@testable import SCIM

@Suite("Filter evaluator")
struct FilterEvaluatorTests {
    static let barbara = json(
        #"""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "id": "2819c223-7f76-453a-919d-413861904646",
          "externalId": "701984",
          "userName": "bjensen@example.com",
          "name": {"familyName": "Jensen", "givenName": "Barbara"},
          "displayName": "Babs Jensen",
          "title": "Tour Guide",
          "userType": "Employee",
          "active": true,
          "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
          ],
          "ims": [{"value": "someaimhandle", "type": "aim"}],
          "x509Certificates": [{"value": "TUlJRGk="}],
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
          },
          "urn:scim-callout:schemas:extension:nats:1.0:User": {
            "nkeys": "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4",
            "jwtLifetimeSeconds": 600
          },
          "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z",
                   "lastModified": "2011-05-13T04:42:34Z", "version": "W/\"3694e05e9dff591\""}
        }
        """#
    )

    @Test(
        "filters against RFC 7643's Barbara Jensen",
        arguments: [
            (#"userName eq "BJENSEN@example.com""#, true),  // userName is not case-exact
            (#"USERNAME Eq "bjensen@example.com""#, true),
            (#"userName sw "bjen""#, true),
            (#"userName ew "EXAMPLE.COM""#, true),
            (#"userName co "nope""#, false),
            (#"id eq "2819C223-7F76-453A-919D-413861904646""#, false),  // id is case-exact
            (#"externalId eq "701984""#, true),
            (#"name.familyName eq "jensen""#, true),
            (#"title pr"#, true),
            (#"nickName pr"#, false),
            (#"nickName ne "x""#, true),  // ne on an absent attribute matches
            (#"nickName eq null"#, true),
            (#"title ne null"#, true),
            (#"active eq true"#, true),
            (#"active ne true"#, false),
            (#"emails co "jensen.org""#, true),  // complex without sub-attribute: value
            (#"emails.type eq "home""#, true),
            (#"emails[type eq "work" and value co "@example.com"]"#, true),
            (#"emails[type eq "home" and value co "@example.com"]"#, false),  // per element, not across
            (#"emails[type eq "work"].value ew ".com""#, true),
            (#"emails[not (type eq "work")]"#, true),
            (#"emails[primary eq true].type eq "work""#, true),
            (#"ims[type eq "xmpp"] or userType eq "Employee""#, true),
            (#"not (userType eq "Employee")"#, false),
            (#"meta.lastModified gt "2011-05-13T04:42:33Z""#, true),
            (#"meta.lastModified gt "2011-05-13T06:42:33+02:00""#, true),  // instants, not strings
            (#"meta.lastModified lt "2011-05-13T04:42:34.001Z""#, true),
            (#"meta.lastModified ge "2011-05-13T04:42:34Z""#, true),
            (#"meta.created le "2010-01-23T04:56:21Z""#, false),
            (#"meta.resourceType eq "User""#, true),
            (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#, true),
            (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr"#, true),
            (#"employeeNumber eq "701984""#, true),  // unqualified extension attribute
            (#"urn:scim-callout:schemas:extension:nats:1.0:User:jwtLifetimeSeconds le 600"#, true),
            (#"urn:scim-callout:schemas:extension:nats:1.0:User:jwtLifetimeSeconds gt 600.5"#, false),
            (#"urn:scim-callout:schemas:extension:nats:1.0:User:nkeys eq "udxu4rcsjnzoiqhznwxhxordprtgnjahahfrgzneejcpqtt2m7nlcnf4""#, false),
            (#"urn:scim-callout:schemas:extension:nats:1.0:User:nkeys co "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4""#, true),
            (#"urn:ietf:params:scim:schemas:core:2.0:User:displayName sw "babs""#, true),
            (#"x509Certificates.value eq "TUlJRGk=""#, true),
            (#"userName gt "a" and userName lt "c""#, true),
            (#"(userName eq "x" or title eq "tour guide") and active eq true"#, true),
        ]
    )
    func evaluates(filter: String, expected: Bool) throws {
        let evaluator = FilterEvaluator(type: TestSchemas.user)
        #expect(try evaluator.matches(Filter.parse(filter), Self.barbara) == expected)
    }

    @Test(
        "type errors and unknown attributes are invalidFilter",
        arguments: [
            #"active gt true"#,  // ordering on booleans
            #"active co "t""#,
            #"active eq "true""#,
            #"userName eq 5"#,
            #"meta.lastModified gt "yesterday""#,
            #"urn:scim-callout:schemas:extension:nats:1.0:User:jwtLifetimeSeconds co 6"#,
            #"x509Certificates.value gt "A""#,
            #"name eq "x""#,  // complex without value sub-attribute
            #"nosuch eq "x""#,
            #"emails[nosuch eq "x"]"#,
            #"userName[value eq "x"]"#,
            #"userName lt null"#,
            #"urn:x:y:z eq "x""#,
            #"password eq "secret""#,  // never-returned attributes cannot be probed
            #"password pr"#,
        ]
    )
    func rejects(filter: String) throws {
        let parsed = try Filter.parse(filter)
        #expect {
            try FilterEvaluator(type: TestSchemas.user).compile(parsed)
        } throws: { error in
            (error as? SCIMError)?.scimType == .invalidFilter
        }
    }

    @Test("groups filter on displayName and members")
    func groups() throws {
        let group = json(#"{"id":"g1","displayName":"Admins","members":[{"value":"u1","type":"User"},{"value":"u2"}]}"#)
        let evaluator = FilterEvaluator(type: TestSchemas.group)
        #expect(try evaluator.matches(Filter.parse(#"displayName eq "admins""#), group))
        #expect(try evaluator.matches(Filter.parse(#"members[value eq "u2"]"#), group))
        #expect(try evaluator.matches(Filter.parse(#"members.value eq "U2""#), group) == false)  // ids are case-exact
        #expect(try evaluator.matches(Filter.parse(#"members eq "u1""#), group))
    }
}

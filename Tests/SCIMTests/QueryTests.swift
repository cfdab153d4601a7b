import Foundation
import Testing

@testable import SCIM

private let stored = json(
    #"""
    {
      "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      "id": "1",
      "userName": "bjensen",
      "password": "must-never-leak",
      "name": {"givenName": "Barbara", "familyName": "Jensen"},
      "emails": [{"value": "b@x.org", "type": "work", "primary": true}],
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "7", "department": "Tour"},
      "meta": {"resourceType": "User"}
    }
    """#
)

@Suite("Projection")
struct ProjectionTests {
    private func project(_ attributes: [String] = [], excluded: [String] = []) -> JSONValue {
        Projection.apply(attributes: attributes, excludedAttributes: excluded, to: stored, type: TestSchemas.user)
    }

    @Test("password is never returned; everything else by default")
    func defaults() {
        var expected = stored
        expected[attribute: "password"] = nil
        #expect(project() == expected)
    }

    @Test("attributes selects, keeping id, schemas and meta")
    func attributes() {
        #expect(project(["userName", "name.givenName"]) == [
            "schemas": stored[attribute: "schemas"] ?? nil, "id": "1", "meta": ["resourceType": "User"],
            "userName": "bjensen", "name": ["givenName": "Barbara"],
        ])
        #expect(project(["password", "ID"])[attribute: "password"] == nil)
        let qualified = project(["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "EMAILS.value"])
        #expect(qualified[attribute: SchemaURN.enterpriseUser] == ["department": "Tour"])
        #expect(qualified[attribute: "emails"] == [["value": "b@x.org"]])
        #expect(project([SchemaURN.enterpriseUser])[attribute: SchemaURN.enterpriseUser] == ["employeeNumber": "7", "department": "Tour"])
        #expect(project(["nosuch"]).objectValue?.count == 3)
    }

    @Test("excludedAttributes removes, except always-returned ones")
    func excluded() {
        let result = project(excluded: ["emails", "name.familyName", "id", SchemaURN.enterpriseUser])
        #expect(result[attribute: "emails"] == nil)
        #expect(result[attribute: "name"] == ["givenName": "Barbara"])
        #expect(result[attribute: "id"] == "1")
        #expect(result[attribute: SchemaURN.enterpriseUser] == nil)
        let group = json(#"{"id":"g","displayName":"G","members":[{"value":"u"}]}"#)
        #expect(Projection.apply(attributes: [], excludedAttributes: ["members"], to: group, type: TestSchemas.group)
            == ["id": "g", "displayName": "G"])
    }

    @Test("comma-separated parameters")
    func names() {
        #expect(Projection.names(fromParameter: " userName, name.givenName ,,") == ["userName", "name.givenName"])
        #expect(Projection.names(fromParameter: nil) == [])
    }
}

@Suite("Sorting, paging, list responses, ETags, errors")
struct QueryTests {
    let users = [
        json(#"{"id":"3","userName":"carol","meta":{"lastModified":"2024-01-01T00:00:00Z"}}"#),
        json(#"{"id":"1","userName":"Alice","emails":[{"value":"z@x"},{"value":"a@x","primary":true}],"meta":{"lastModified":"2024-01-01T02:00:00+03:00"}}"#),
        json(#"{"id":"2","userName":"bob"}"#),
        json(#"{"id":"0","userName":"alice"}"#),
    ]

    @Test("sortBy follows caseExact, missing values sort last, ties by id")
    func sorting() throws {
        let byName = try #require(try SortSpec.parse(sortBy: "userName", sortOrder: nil, type: TestSchemas.user))
        #expect(byName.sorted(users).map { $0[attribute: "id"] } == ["0", "1", "2", "3"])
        let descending = try #require(try SortSpec.parse(sortBy: "USERNAME", sortOrder: "Descending", type: TestSchemas.user))
        #expect(descending.sorted(users).map { $0[attribute: "id"] } == ["3", "2", "0", "1"])
        let byDate = try #require(try SortSpec.parse(sortBy: "meta.lastModified", sortOrder: "ascending", type: TestSchemas.user))
        #expect(byDate.sorted(users).map { $0[attribute: "id"] } == ["1", "3", "0", "2"])  // 23:00Z before 00:00Z
        let byEmail = try #require(try SortSpec.parse(sortBy: "emails", sortOrder: nil, type: TestSchemas.user))
        #expect(byEmail.key(for: users[1]) == .string("a@x"))  // the primary value
        #expect(try SortSpec.parse(sortBy: nil, sortOrder: "descending", type: TestSchemas.user) == nil)
        #expect(throws: SCIMError.self) { try SortSpec.parse(sortBy: "nosuch", sortOrder: nil, type: TestSchemas.user) }
        #expect(throws: SCIMError.self) { try SortSpec.parse(sortBy: "userName", sortOrder: "sideways", type: TestSchemas.user) }
        #expect(throws: SCIMError.self) { try SortSpec.parse(sortBy: "name", sortOrder: nil, type: TestSchemas.user) }
        #expect(throws: SCIMError.self) { try SortSpec.parse(sortBy: "password", sortOrder: nil, type: TestSchemas.user) }
    }

    @Test("pagination clamps startIndex and count")
    func pagination() {
        #expect(Pagination(startIndex: 0, count: nil) == Pagination(startIndex: 1, count: 100))
        #expect(Pagination(startIndex: -5, count: -1).count == 0)
        #expect(Pagination(startIndex: 3, count: 5000, maximumCount: 200).count == 200)
        #expect(Pagination(startIndex: 3, count: 10).offset == 2)
    }

    @Test("list response body")
    func listResponse() {
        let body = ListResponse(totalResults: 5, startIndex: 1, resources: []).jsonBody
        #expect(body == [
            "schemas": [.string(SchemaURN.listResponse)], "totalResults": 5, "startIndex": 1, "itemsPerPage": 0,
            "Resources": [],
        ])
    }

    @Test("ETags are weak and compared weakly")
    func etags() {
        #expect(ETag.weak(version: "3") == #"W/"3""#)
        #expect(ETag.header(#"W/"3""#, matches: "3"))
        #expect(ETag.header(#""2", W/"3""#, matches: "3"))
        #expect(ETag.header("*", matches: "anything"))
        #expect(!ETag.header(#"W/"4""#, matches: "3"))
        #expect(ResourceMeta(resourceType: "User", created: "c", lastModified: "m", location: "l", version: "3")
            .jsonValue[attribute: "version"] == #"W/"3""#)
    }

    @Test("SCIM error bodies carry status as a string")
    func errorBody() {
        #expect(SCIMError.invalidFilter("bad").jsonBody == [
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "400", "scimType": "invalidFilter",
            "detail": "bad",
        ])
        #expect(SCIMError.notFound("gone").jsonBody[attribute: "scimType"] == nil)
        #expect(SCIMError.uniqueness("taken").status == 409)
    }

    @Test("search requests from query parameters and POST bodies")
    func searchRequests() throws {
        let query = try SearchRequest(queryParameters: [
            "filter": #"userName eq "bjensen""#, "startIndex": "1", "COUNT": "100", "excludedAttributes": "members",
        ])
        #expect(query.filter == .comparison(AttributePath(attribute: "userName"), .eq, "bjensen"))
        #expect(query.count == 100 && query.startIndex == 1 && query.excludedAttributes == ["members"])
        let body = try SearchRequest(json: json(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"attributes":["displayName","userName"],"filter":"displayName sw \"smith\"","startIndex":1,"count":10}"#))
        #expect(body.attributes == ["displayName", "userName"] && body.count == 10)
        #expect(throws: SCIMError.self) { try SearchRequest(queryParameters: ["filter": "userName eq"]) }
        #expect(throws: SCIMError.self) { try SearchRequest(queryParameters: ["count": "ten"]) }
        #expect(throws: SCIMError.self) { try SearchRequest(json: json(#"{"count":"x"}"#)) }
    }

    @Test("dateTime parsing and formatting")
    func dateTimes() throws {
        let date = try #require(SCIMDateTime.parse("2011-05-13T04:42:34Z"))
        #expect(date.timeIntervalSince1970 == 1_305_261_754)
        #expect(SCIMDateTime.parse("2011-05-13T06:42:34+02:00") == date)
        #expect(SCIMDateTime.parse("2011-05-13T04:42:34.5Z")?.timeIntervalSince1970 == 1_305_261_754.5)
        #expect(SCIMDateTime.format(date) == "2011-05-13T04:42:34.000Z")
        #expect(SCIMDateTime.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        for bad in ["", "2011-02-30T00:00:00Z", "2011-05-13", "2011-05-13T25:00:00Z", "2011-05-13T04:42:34+2", "yesterday"] {
            #expect(SCIMDateTime.parse(bad) == nil)
        }
    }
}

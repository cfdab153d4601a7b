import Testing
@testable import Policy

/// The policy's cheaper pieces of the decision path keep their observable behaviour: subject
/// escaping, template expansion and de-duplication.
@Suite struct PolicyHotPathTests {
    @Test func safeValuesAreNotRewrittenAndUnsafeOnesAre() {
        #expect(SubjectTemplate.escape("alice-01_x@corp+a=b~c") == "alice-01_x@corp+a=b~c")
        #expect(SubjectTemplate.escape("a.b") == "a%2Eb")
        #expect(SubjectTemplate.escape("é*>") == "%C3%A9%2A%3E")
        #expect(SubjectTemplate.escape("") == "")
    }

    @Test func literalTemplatesExpandToTheirSource() throws {
        let values = TemplateValues(userName: "u", id: "i")
        #expect(try SubjectTemplate("app.shared.>").expand(with: values) == "app.shared.>")
        #expect(try SubjectTemplate("app.{{userName}}.x").expand(with: values) == "app.u.x")
        #expect(try SubjectTemplate("app.{{externalId}}").expand(with: values) == nil)
    }

    @Test func orderedUnionDropsDuplicatesBeyondTheLinearRange() {
        var union = OrderedUnion()
        let first = (0 ..< 20).map { "s\($0)" }
        union.add(first)
        union.add(first.reversed())
        union.add(["s3", "new", "s19", "new"])
        #expect(union.items == first + ["new"])
        var small = OrderedUnion()
        small.add(["a", "b", "a"])
        small.add(["c", "b"])
        #expect(small.items == ["a", "b", "c"])
    }
}

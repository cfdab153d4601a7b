import Testing
@testable import Policy

@Suite("Subject templates")
struct SubjectTemplateTests {
    @Test(arguments: ["app.>", "app.*.events", "_INBOX.>", "$JS.API.>", "a", "user-{{id}}.x", "app.{{userName}}.>", "{{group}}.*"])
    func acceptsValidSubjects(_ text: String) throws {
        let template = try SubjectTemplate(text)
        #expect(template.source == text)
    }

    @Test(arguments: [
        ("", "empty"), ("app..x", "empty token"), (".app", "empty token"), ("app.", "empty token"),
        ("app.>.x", "last token"), ("app.a*", "whole tokens"), ("app.>x", "whole tokens"),
        ("app x", "whitespace"), ("app.\u{7}", "control"), ("app.{{password}}", "unknown placeholder"),
        ("app.{{userName", "matching"), ("app.userName}}", "matching"),
    ])
    func rejectsInvalidSubjects(_ text: String, _ fragment: String) {
        #expect {
            _ = try SubjectTemplate(text)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }

    @Test func expandsAttributesIntoTokens() throws {
        let values = TemplateValues(userName: "alice", id: "2819c223", externalId: "ext-1", group: "devs")
        #expect(try SubjectTemplate("app.{{userName}}.>").expand(with: values) == "app.alice.>")
        #expect(try SubjectTemplate("u-{{id}}.{{externalId}}.{{group}}").expand(with: values) == "u-2819c223.ext-1.devs")
    }

    @Test(arguments: [
        ("a.b", "a%2Eb"), ("*", "%2A"), (">", "%3E"), ("a b", "a%20b"), ("tab\t", "tab%09"),
        ("100%", "100%25"), ("ü", "%C3%BC"), ("alice@example.com", "alice@example%2Ecom"), ("x\n", "x%0A"),
    ])
    func escapesValuesThatCouldWidenASubject(_ value: String, _ expected: String) throws {
        let subject = try #require(try SubjectTemplate("app.{{userName}}.in").expand(with: .init(userName: value, id: "1")))
        #expect(subject == "app.\(expected).in")
        // Whatever the value, the expansion stays one token: still exactly three tokens, no wildcard.
        let tokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        #expect(tokens.count == 3)
        #expect(!tokens.contains("*") && !tokens.contains(">"))
    }

    @Test func escapingIsOneToOne() {
        // "a.b" and "a_b" or "a%2Eb" must not collide (otherwise one user could reach another's subjects).
        let values = ["a.b", "a_b", "a%2Eb", "a%2eb", "a b", "a+b"]
        #expect(Set(values.map(SubjectTemplate.escape)).count == values.count)
    }

    @Test func missingOrEmptyAttributeCannotExpand() throws {
        let template = try SubjectTemplate("ext.{{externalId}}")
        #expect(template.expand(with: .init(userName: "a", id: "1", externalId: nil)) == nil)
        #expect(template.expand(with: .init(userName: "a", id: "1", externalId: "")) == nil)
    }
}

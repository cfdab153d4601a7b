import Testing
import TestSupport

@testable import SCIM

@Suite("Filter fuzzing")
struct FilterFuzzTests {
    static let seeds = [
        #"userName eq "bjensen""#,
        #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        #"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
        #"meta.lastModified gt "2011-05-13T04:42:34Z" and active eq true"#,
        #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x\"y\u00e9""#,
        #"members[value eq "1" or value eq "2"]"#,
        #"not (a pr) and (b ge 1.5e3 or c lt -2)"#,
    ]

    static let fragments = [
        "(", ")", "[", "]", "\"", "\\", " ", "and", "or", "not", "eq", "pr", "co", ".", ":", "urn:", "null",
        "true", "1e9", "-", "\u{0}", "é", "😀", "\\u", "\\ud800", "emails", "[type eq \"w\"]", ".value",
    ]

    /// Feeds random and mutated filters to the parser and, when they parse, to the evaluator.
    /// Each input must either parse or throw a SCIMError; a crash fails the whole test run.
    @Test("thousands of random and mutated filters never crash the parser or evaluator")
    func fuzz() {
        var generator = SeededGenerator(seed: 0x5C1A_2024)
        let evaluator = FilterEvaluator(type: TestSchemas.user)
        let resource = json(#"{"userName":"bjensen","active":true,"emails":[{"type":"work","value":"b@example.com"}],"meta":{"lastModified":"2020-01-01T00:00:00Z"}}"#)
        var parsed = 0
        var rejected = 0
        for iteration in 0..<6000 {
            let text: String
            switch iteration % 3 {
            case 0:
                text = Self.mutate(Self.seeds.randomElement(using: &generator) ?? "", using: &generator)
            case 1:
                text = (0..<Int.random(in: 1...12, using: &generator))
                    .map { _ in Self.fragments.randomElement(using: &generator) ?? "" }
                    .joined(separator: Bool.random(using: &generator) ? " " : "")
            default:
                let scalars = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                    Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &generator)))
                }
                text = String(scalars)
            }
            do {
                let filter = try Filter.parse(text)
                parsed += 1
                if let compiled = try? evaluator.compile(filter) {
                    _ = compiled.matches(resource)
                }
            } catch {
                #expect(error.status == 400 && error.scimType == .invalidFilter)
                rejected += 1
            }
        }
        #expect(parsed + rejected == 6000)
        // The corpus must exercise both outcomes, or the fuzzer tests nothing.
        #expect(parsed > 100)
        #expect(rejected > 100)
    }

    @Test("deeply nested mutations hit the nesting limit, not the stack")
    func deepRandomNesting() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<50 {
            let depth = Int.random(in: 1000...20_000, using: &generator)
            let open = Bool.random(using: &generator) ? "(" : "not ("
            let text = String(repeating: open, count: depth) + "a pr" + String(repeating: ")", count: depth)
            #expect(throws: SCIMError.self) { try Filter.parse(text) }
        }
    }

    static func mutate(_ seed: String, using generator: inout SeededGenerator) -> String {
        var scalars = Array(seed.unicodeScalars)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let index = scalars.isEmpty ? 0 : Int.random(in: 0..<scalars.count, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0 where !scalars.isEmpty:
                scalars.remove(at: index)
            case 1:
                let fragment = fragments.randomElement(using: &generator) ?? ""
                scalars.insert(contentsOf: fragment.unicodeScalars, at: index)
            case 2 where !scalars.isEmpty:
                scalars[index] = Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &generator))
            default:
                let cut = Int.random(in: 0...scalars.count, using: &generator)
                scalars = Array(scalars[..<cut])
            }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }
}

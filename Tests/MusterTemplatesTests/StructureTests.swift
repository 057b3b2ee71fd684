// Partial cycles and nesting depth: found by our own scan and reported with file and line, never
// handed to swift-mustache (which recurses without a limit), and no deep recursion of our own.
import Foundation
import MusterCore
import Testing
@testable import MusterTemplates

@Suite struct StructureTests {
    static let head = "---\nsubject: \"Hello {{member.first_name}}\"\n---\n"

    static func set(_ files: [String: String]) -> TemplateSet { TemplateSet(files: files, displayPath: "templates") }

    static func errors(_ files: [String: String], _ name: String = "x") -> [String] {
        set(files).check(template: name, kind: .sequence).map(\.description)
    }

    @Test func aPartialThatIncludesItselfIsNamedAndNeverRendered() throws {
        let files = ["x.mustache": Self.head + "Hi\n{{> selfrec}}\n", "partials/selfrec.mustache": "{{> selfrec}}x\n"]
        #expect(Self.errors(files) == ["templates/partials/selfrec.mustache:1: partial 'selfrec' includes itself (selfrec -> selfrec)"])
        #expect(throws: InputError(file: "templates/partials/selfrec.mustache", line: 1, "partial 'selfrec' includes itself (selfrec -> selfrec)")) {
            try Self.set(files).render(template: "x", input: RenderInput.sample(for: .sequence))
        }
    }

    @Test func aCycleOfPartialsNamesEveryFileOnIt() {
        let files = [
            "x.mustache": Self.head + "{{> a}}\n",
            "partials/a.mustache": "A\n\n{{> b}}\n",
            "partials/b.mustache": "{{> c}}\n",
            "partials/c.mustache": "{{#member}}{{> a}}{{/member}}\n",
        ]
        #expect(Self.errors(files) == [
            "templates/partials/a.mustache:3: partial 'a' includes itself (a -> b -> c -> a)",
            "templates/partials/b.mustache:1: partial 'b' includes itself (b -> c -> a -> b)",
            "templates/partials/c.mustache:1: partial 'c' includes itself (c -> a -> b -> c)",
        ])
        let all = Self.set(files)
        #expect(all.brokenTextPartials == ["a", "b", "c"])
        // A template reaching the cycle through a sound partial is refused with the cycle's error.
        let via = files.merging(["y.mustache": Self.head + "{{> d}}\n", "partials/d.mustache": "{{> b}}\n"]) { $1 }
        #expect(Self.errors(via, "y") == [
            "templates/partials/b.mustache:1: partial 'b' includes itself (b -> c -> a -> b)",
            "templates/partials/c.mustache:1: partial 'c' includes itself (c -> a -> b -> c)",
            "templates/partials/a.mustache:3: partial 'a' includes itself (a -> b -> c -> a)",
        ])
    }

    @Test func htmlAndTextPartialsAreSeparateGraphs() {
        // A text partial and an HTML partial of the same name are different files: no cycle.
        let files = [
            "x.mustache": Self.head + "{{> footer}}\n", "x.html.mustache": "<p>{{> footer}}</p>\n",
            "partials/footer.mustache": "bye\n", "partials/footer.html.mustache": "<p>bye</p>\n",
        ]
        #expect(Self.errors(files) == [])
    }

    @Test func sectionsNestedTooDeepAreNamedAtTheFirstTagTooDeep() throws {
        let body = String(repeating: "{{#member}}\n", count: 5_000) + String(repeating: "{{/member}}\n", count: 5_000)
        let errors = Self.errors(["x.mustache": Self.head + body])
        #expect(errors == ["templates/x.mustache:104: sections nest more than 100 deep"])
        // One hundred levels are fine.
        let fine = String(repeating: "{{#member}}", count: 100) + "{{first_name}}" + String(repeating: "{{/member}}", count: 100)
        #expect(Self.errors(["x.mustache": Self.head + fine + "\n"]) == [])
    }

    @Test func nestingThroughPartialsCountsEachPartialAsALevel() {
        // Ten thousand partials in a chain: each one level deeper than the last.
        var files = ["x.mustache": Self.head + "{{> p0}}\n"]
        for i in 0..<10_000 { files["partials/p\(i).mustache"] = i == 9_999 ? "end\n" : "{{> p\(i + 1)}}\n" }
        let errors = Self.errors(files)
        #expect(errors.count == 1)
        #expect(errors.first?.hasSuffix("nests sections and partials more than 100 deep") == true, "\(errors)")
        // Fifty partials, each inside a section: 100 levels, fine.
        var fifty = ["x.mustache": Self.head + "{{> p0}}\n"]
        for i in 0..<50 { fifty["partials/p\(i).mustache"] = i == 49 ? "end\n" : "{{#member}}{{> p\(i + 1)}}{{/member}}\n" }
        #expect(Self.errors(fifty) == [])
    }

    @Test func nestedFunctionsInATagCostTheCheckerNoStack() {
        let deep = String(repeating: "uppercased(", count: 50_000) + "member.first_name" + String(repeating: ")", count: 50_000)
        let wrong = String(repeating: "uppercased(", count: 50_000) + "member.frist_name" + String(repeating: ")", count: 50_000)
        let set = Self.set(["x.mustache": Self.head + "{{\(wrong)}}\n"])
        var checker = TagChecker(set: set, kind: .sequence)
        checker.check("{{\(deep)}}\n{{\(wrong)}}\n{{uppercased(lowercased(member.frist_name))}}\n{{uppercased(lowercased(member.first_name))}}\n",
                      file: "templates/x.mustache", firstLine: 1, html: false)
        #expect(checker.errors.map(\.description) == [
            "templates/x.mustache:1: a tag nests functions more than 10 deep",
            "templates/x.mustache:2: a tag nests functions more than 10 deep",
            "templates/x.mustache:3: unknown variable 'member.frist_name'",
        ])
        #expect(set.check(template: "x", kind: .sequence).map(\.description) == ["templates/x.mustache:4: a tag nests functions more than 10 deep"])
    }
}

// The strict check: exact error text for each kind of mistake, and every shipped template passing it.
import Foundation
import MusterCore
import MusterTestSupport
import Testing
@testable import MusterTemplates

@Suite struct CheckTests {
    static func errors(_ files: [String: String], _ name: String = "x", kind: ContextKind = .sequence) -> [String] {
        TemplateSet(files: files, displayPath: "templates").check(template: name, kind: kind).map(\.description)
    }

    static let head = "---\nsubject: \"Hello {{member.first_name}}\"\n---\n"

    @Test func anUnknownVariableIsNamedWithItsLine() {
        // Given a misspelt variable on line 4
        let errors = Self.errors(["welcome-1.mustache": Self.head + "Hello {{member.frist_name}},\n"], "welcome-1")
        // Then the error names file, line and variable
        #expect(errors == ["templates/welcome-1.mustache:4: unknown variable 'member.frist_name'"])
    }

    @Test func aVariableOfAnotherKindOfRuleSaysWhereItBelongs() {
        let text = Self.head + "{{event.title}}\n{{links.voted}}\n{{digest.new_members}}\n"
        #expect(Self.errors(["x.mustache": text], kind: .event) == [
            "templates/x.mustache:5: 'links.voted' is only available in ballot rules (this template is sent by a event rule)",
            "templates/x.mustache:6: 'digest.new_members' is only available in recurring rules (this template is sent by a event rule)",
        ])
        #expect(Self.errors(["x.mustache": Self.head + "\n{{event.title}}\n"], kind: .sequence) == [
            "templates/x.mustache:5: 'event.title' is only available in event rules (this template is sent by a sequence rule)",
        ])
    }

    @Test func aMissingPartialIsNamedWithItsLine() {
        let text = Self.head + String(repeating: "line\n", count: 5) + "{{> footer2}}\n"
        #expect(Self.errors(["x.mustache": text, "partials/footer.mustache": "bye\n"])
            == ["templates/x.mustache:9: partial 'footer2' not found"])
    }

    @Test func anHTMLTemplateUsesOnlyHTMLPartials() {
        // Given a text partial but no HTML one
        let files = [
            "x.mustache": Self.head + "{{> footer}}\n", "x.html.mustache": "<p>Hi</p>\n{{> footer}}\n",
            "partials/footer.mustache": "bye\n",
        ]
        #expect(Self.errors(files) == ["templates/x.html.mustache:2: partial 'footer' not found"])
    }

    @Test func aMistakeInsideAPartialNamesThePartialsFile() {
        let files = ["x.mustache": Self.head + "{{> footer}}\n", "partials/footer.mustache": "bye\n{{member.nmae}}\n"]
        #expect(Self.errors(files) == ["templates/partials/footer.mustache:2: unknown variable 'member.nmae'"])
    }

    @Test func aMissingTemplateSaysWhereItLooked() {
        let set = TemplateSet(files: [:], displayPath: "templates")
        let plain = set.check(template: "welcome-9", kind: .sequence)
        #expect(plain.map(\.message) == ["template 'welcome-9' not found (looked for templates/welcome-9.mustache)"])
        // and names the schedule that asks for it, when given
        let placed = set.check(template: "welcome-9", kind: .sequence, referencedIn: "schedules/welcome.yaml", line: 7)
        #expect(placed.map(\.description) == [
            "schedules/welcome.yaml:7: template 'welcome-9' not found (looked for templates/welcome-9.mustache)",
        ])
    }

    @Test func aSubjectThatRendersEmptyIsAnError() {
        #expect(Self.errors(["x.mustache": "---\nsubject: \"{{#links.voted}}x{{/links.voted}}\"\n---\nHi\n"], kind: .sequence)
            == ["templates/x.mustache:2: 'links.voted' is only available in ballot rules (this template is sent by a sequence rule)"])
        #expect(Self.errors(["x.mustache": "---\nsubject: \"  \"\n---\nHi\n"])
            == ["templates/x.mustache:2: the subject renders empty against the sample data"])
        #expect(Self.errors(["x.mustache": "---\nsubject: \"{{rep.name}}\"\n---\nHi\n"])
            == ["templates/x.mustache:2: the subject renders empty for a member with no workplace, rep or last name"])
    }

    @Test func syntaxErrorsNameTheirLine() {
        #expect(Self.errors(["x.mustache": Self.head + "a\n{{#rep}}\nb\n"])
            == ["templates/x.mustache:5: section 'rep' is never closed (add '{{/rep}}')"])
        #expect(Self.errors(["x.mustache": Self.head + "{{#rep}}\n{{/workplace}}\n"])
            == ["templates/x.mustache:5: '{{/workplace}}' closes section 'rep' opened on line 4 (write '{{/rep}}')"])
        #expect(Self.errors(["x.mustache": Self.head + "a\n\n{{member.first_name\n"])
            == ["templates/x.mustache:6: '{{' is never closed with '}}'"])
        #expect(Self.errors(["x.mustache": Self.head + "{{=<% %>=}}\n<% member.first_name %>\n"])
            == ["templates/x.mustache:4: changing delimiters ('{{=...=}}') is not supported: keep '{{' and '}}'"])
        #expect(Self.errors(["x.html.mustache": "{{%CONTENT_TYPE: TEXT}}\n", "x.mustache": Self.head + "x\n"])
            == ["templates/x.html.mustache:1: pragmas ('{{%...}}') are not supported: muster escapes HTML in .html.mustache files and nothing in text"])
    }

    @Test func frontMatterProblemsNameTheirLine() {
        #expect(Self.errors(["x.mustache": "Hello\n"]) == [
            "templates/x.mustache:1: the file must begin with front matter: put the subject in front matter at the top: '---', 'subject: \"...\"', '---'",
        ])
        #expect(Self.errors(["x.mustache": "---\nsubject: Hi\nsubjet: x\n---\nHello\n"]) == [
            "templates/x.mustache:3: the front matter: unknown key 'subjet' (expected one of: subject)",
        ])
        #expect(Self.errors(["x.mustache": "---\nsubject: Hi\n"]) == [
            "templates/x.mustache:1: the front matter opened here is never closed with '---'",
        ])
    }

    @Test func insideAListTheItemsFieldsAreInScope() {
        // Given the reps' digest
        let ok = Self.head + "{{#digest.new_members}}{{first_name}} {{member.first_name}}{{/digest.new_members}}{{#links.unsubscribe}}{{.}}{{/links.unsubscribe}}\n"
            + "{{#digest.open_ballots}}{{#first()}}x{{/first()}}{{workplace_turnout_percent}}{{/digest.open_ballots}}\n"
            + "{{^empty(digest.new_members)}}y{{/empty(digest.new_members)}}\n"
        #expect(Self.errors(["x.mustache": ok], kind: .recurring) == [])
        // Outside the section an item's field is unknown, and a list is not a value
        let bad = Self.head + "{{first_name}}\n{{digest.new_members}}\n{{member}}\n{{first()}}\n{{shout(member.name)}}\n"
            + "{{#digest.new_members}}{{.}}{{/digest.new_members}}\n"
        #expect(Self.errors(["x.mustache": bad], kind: .recurring) == [
            "templates/x.mustache:4: unknown variable 'first_name'",
            "templates/x.mustache:5: 'digest.new_members' is a list: go through it with {{#digest.new_members}}...{{/digest.new_members}}",
            "templates/x.mustache:6: 'member' is a group of values, not a value: use one of them, e.g. 'member.name'",
            "templates/x.mustache:7: 'first()' only works inside a section over a list",
            "templates/x.mustache:8: unknown function 'shout' in 'shout(member.name)'",
            "templates/x.mustache:9: '.' is a group of values here, not a value: use one of its fields, e.g. 'name'",
        ])
    }

    @Test func aCleanTemplateHasNoErrors() {
        let text = Self.head + "{{! a comment with {{member.nope}} inside }}\n{{#rep}}{{rep.name}}{{/rep}}{{^rep}}none{{/rep}}\n"
            + "{{{member.first_name}}} {{& workplace.name}}{{#event}}{{title}}{{/event}}\n"
        #expect(Self.errors(["x.mustache": text], kind: .event) == [])
    }

    @Test(arguments: GoldenTests.cases.map(\.template))
    func everyShippedTemplatePassesTheCheckForItsKind(template: String) throws {
        let kind = GoldenTests.cases.first { $0.template == template }!.kind
        let set = try GoldenTests.shipped()
        #expect(set.check(template: template, kind: kind).map(\.description) == [])
    }

    @Test func theShippedSetHoldsExactlyTheTemplatesSchedulesName() throws {
        #expect(try GoldenTests.shipped().names == GoldenTests.cases.map(\.template).sorted())
        #expect(try GoldenTests.shipped().hasHTML("reps-weekly"))
    }
}

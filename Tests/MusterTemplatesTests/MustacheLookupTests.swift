// What swift-mustache 2.1.1 renders for the kinds of values muster's contexts hold (escapes, numbers,
// sections over text, Bool, Int and lists, the context stack, missing names, transforms): every
// expected text was recorded from it. A change of the library, or of how RenderContext shapes its
// values, that would change a member's message fails here.
import Foundation
import Testing
@testable import MusterTemplates

@Suite struct MustacheLookupTests {
    /// A context with every kind of value muster's contexts hold, and a few they do not.
    static var context: [String: Any] { [
        "member": ["first_name": "Zoë", "name": "O'Brien & <Sons>", "count": 3, "new": true] as [String: Any],
        "event": ["title": "Pay \"now\"", "location": "", "online": false, "url": "https://example.org/?a=1&b=2",
                  "kind": "meeting"] as [String: Any],
        "list": [["name": "A"], ["name": "B"], ["name": "C"]] as [[String: Any]],
        "strings": ["x", "y"],
        "pairs": [["label": "L1", "value": "V1"], ["label": "L2", "value": "V2"]] as [[String: String]],
        "empty": [] as [Any],
        "n": 0,
        "big": Int64(1_234_567_890_123),
        "ratio": 0.5,
        "flag": true,
        "combining": "<\u{0338} a\u{0301}",
        "greek": "q\u{037E}",
        "nested": ["inner": ["deep": "D", "kind": "inner-kind"] as [String: Any]] as [String: Any],
        "title": "Top title",
        "single": ["k": "v"],
    ] }

    static let cases: [(name: String, template: String)] = [
        ("escape", "{{member.name}}|{{{member.name}}}|{{&member.name}}|{{event.title}}|{{event.url}}|{{combining}}|{{greek}}"),
        ("numbers", "{{member.count}} {{n}} {{big}} {{ratio}} {{flag}} {{member.new}} {{event.online}}"),
        ("sections", "{{#member.new}}new {{/member.new}}{{^member.new}}old {{/member.new}}{{#event.location}}at {{.}}{{/event.location}}{{^event.location}}nowhere{{/event.location}}{{#event.title}}[{{.}}]{{/event.title}}"),
        ("lists", "{{#list}}{{name}}{{^last}},{{/last}}{{/list}} {{#strings}}<{{.}}>{{/strings}} {{#pairs}}{{label}}={{value}};{{/pairs}} {{^empty}}none{{/empty}}{{#empty}}some{{/empty}}"),
        ("stack", "{{#nested.inner}}{{deep}} {{kind}} {{title}} {{member.first_name}} {{.kind}} {{.title}}{{/nested.inner}}"),
        ("missing", "[{{nope}}][{{member.nope}}][{{nope.deeper}}][{{#nope}}x{{/nope}}][{{^nope}}y{{/nope}}][{{event.title.more}}]"),
        ("numbersAsSections", "{{#n}}zero is truthy{{/n}}{{^n}}zero is falsy{{/n}}|{{#member.count}}{{.}}{{/member.count}}"),
        ("transforms", "{{uppercased(member.first_name)}} {{lowercased(event.kind)}} {{count(list)}} {{#first(list)}}{{name}}{{/first(list)}} {{reversed(strings)}}"),
        ("sequenceContext", "{{#list}}{{#first()}}first:{{/first()}}{{name}}{{#last()}}:last{{/last()}}{{/list}}"),
        ("dictionaryAsValue", "{{single}}"),
        ("standalone", "a\n  {{#flag}}\n  b\n  {{/flag}}\nc\n{{! comment }}\nd\n"),
    ]

    @Test(arguments: cases.indices)
    func rendersAsUpstreamDid(_ i: Int) throws {
        let c = Self.cases[i]
        let set = TemplateSet(
            files: ["t.mustache": "---\nsubject: s\n---\n" + c.template, "t.html.mustache": c.template], displayPath: "templates")
        let text = try #require(set.compiled["t"]?.text).render(Self.context, library: set.textLibrary)
        let html = try #require(set.compiled["t"]?.html).render(Self.context, library: set.htmlLibrary)
        #expect(text == Self.expected[c.name]?.text)
        #expect(html == Self.expected[c.name]?.html)
    }

    static let expected: [String: (text: String, html: String)] = [
        "escape": (
            "O\'Brien & <Sons>|O\'Brien & <Sons>|O\'Brien & <Sons>|Pay \"now\"|https://example.org/?a=1&b=2|≮ á|q;",
            "O&#39;Brien &amp; &lt;Sons&gt;|O\'Brien & <Sons>|O\'Brien & <Sons>|Pay &quot;now&quot;|https://example.org/?a=1&amp;b=2|≮ á|q;"),
        "numbers": (
            "3 0 1234567890123 0.5 true true false",
            "3 0 1234567890123 0.5 true true false"),
        "sections": (
            "new at [Pay \"now\"]",
            "new at [Pay &quot;now&quot;]"),
        "lists": (
            "A,B,C, <x><y> L1=V1;L2=V2; none",
            "A,B,C, <x><y> L1=V1;L2=V2; none"),
        "stack": (
            "D inner-kind Top title Zoë inner-kind ",
            "D inner-kind Top title Zoë inner-kind "),
        "missing": (
            "[][][][][y][]",
            "[][][][][y][]"),
        "numbersAsSections": (
            "zero is truthy|3",
            "zero is truthy|3"),
        "transforms": (
            "ZOË meeting 3 A ReversedCollection<Array<String>>(_base: [\"x\", \"y\"])",
            "ZOË meeting 3 A ReversedCollection&lt;Array&lt;String&gt;&gt;(_base: [&quot;x&quot;, &quot;y&quot;])"),
        "sequenceContext": (
            "first:ABC:last",
            "first:ABC:last"),
        "dictionaryAsValue": (
            "[\"k\": \"v\"]",
            "[&quot;k&quot;: &quot;v&quot;]"),
        "standalone": (
            "a\n  b\nc\nd\n",
            "a\n  b\nc\nd\n"),
    ]
}

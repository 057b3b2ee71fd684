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

    /// The shape RenderContext hands the library, text as ``ContextText``, renders every case above
    /// exactly as the plain strings do (lists of bare strings stay strings: RenderContext makes none).
    @Test(arguments: cases.indices)
    func contextTextRendersAsStrings(_ i: Int) throws {
        let c = Self.cases[i]
        let set = TemplateSet(
            files: ["t.mustache": "---\nsubject: s\n---\n" + c.template, "t.html.mustache": c.template], displayPath: "templates")
        let context = Self.withContextText(Self.context)
        let text = try #require(set.compiled["t"]?.text).render(context, library: set.textLibrary)
        let html = try #require(set.compiled["t"]?.html).render(context, library: set.htmlLibrary)
        #expect(text == Self.expected[c.name]?.text)
        #expect(html == Self.expected[c.name]?.html)
    }

    /// Trickier text through both shapes: non-ASCII, dots, CR/LF, empty and white-space values, HTML
    /// specials, long lines, every string transform, sections nested over text, names inside text.
    @Test func contextTextAgreesWithStringsOnTrickyText() throws {
        let long = String(repeating: "Ünïcødé wörds, ", count: 40)
        let context: [String: Any] = [
            "a": ["name": "Zoë O’Brien-Łukasz", "dots": "a.b.c", "crlf": "line one\r\nline two\rthree\nfour",
                  "empty": "", "space": " ", "html": "<b>&amp;\"x\"'</b>", "long": long, "emoji": "👩🏽‍🏫 e\u{301}",
                  "n": 7, "yes": true, "no": false] as [String: Any],
            "b": ["inner": ["title": "Inner . title"] as [String: Any], "title": "B title"] as [String: Any],
            "list": [["t": "one"], ["t": ""], ["t": "trois"]] as [[String: Any]],
            "title": "Root title",
        ]
        let template = """
            {{a.name}}|{{{a.name}}}|{{a.dots}}|{{a.crlf}}|[{{a.empty}}]|[{{a.space}}]|{{a.html}}|{{&a.html}}|{{a.long}}|{{a.emoji}}
            {{#a.name}}in:{{.}}:{{title}}:{{a.dots}}:{{name}}:{{.name}}{{#a.dots}}<{{.}}|{{a.name}}|{{b.inner.title}}>{{/a.dots}}{{/a.name}}
            {{#a.empty}}empty is truthy{{/a.empty}}{{^a.empty}}empty is falsy{{/a.empty}}{{#a.space}}space{{/a.space}}{{^a.space}}no space{{/a.space}}
            {{capitalized(a.name)}} {{lowercased(a.name)}} {{uppercased(a.emoji)}} {{reversed(a.name)}} {{#empty(a.empty)}}E{{/empty(a.empty)}}{{^empty(a.name)}}N{{/empty(a.name)}} {{nope(a.name)}}
            {{#list}}{{t}}{{^t}}-{{/t}}{{#t}}({{.}}){{/t}}{{^last()}},{{/last()}}{{/list}} {{count(list)}}
            {{#b.inner}}{{title}} {{.title}} {{b.title}}{{/b.inner}} {{a.name.first}} {{a.dots.b}} {{#a.crlf}}{{.}}{{/a.crlf}}
            {{a}}
            """
        let set = TemplateSet(
            files: ["t.mustache": "---\nsubject: s\n---\n" + template, "t.html.mustache": template], displayPath: "templates")
        for (t, library) in [(set.compiled["t"]?.text, set.textLibrary), (set.compiled["t"]?.html, set.htmlLibrary)] {
            let t = try #require(t)
            // A group printed as a value (`{{a}}`) lists its keys in hash order: compare those lines as sets of parts.
            let plain = t.render(context, library: library).split(separator: "\n", omittingEmptySubsequences: false)
            let shaped = t.render(Self.withContextText(context), library: library).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(plain.dropLast() == shaped.dropLast())
            #expect(Set(plain.last!.split(separator: ",")) == Set(shaped.last!.split(separator: ",")))
            #expect(plain.joined().contains("Zoë O’Brien-Łukasz"))
        }
    }

    /// `value` with every string of its groups (and lists of groups) made ``ContextText``, as RenderContext makes them.
    static func withContextText(_ value: Any) -> Any {
        switch value {
        case let s as String: ContextText(s)
        case let group as [String: Any]: group.mapValues(withContextText)
        case let list as [[String: Any]]: list.map { $0.mapValues(withContextText) }
        default: value
        }
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

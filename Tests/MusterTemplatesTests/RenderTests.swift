// Rendering: escaping in text and HTML, partials, a missing rep, dates in the recipient's zone, subjects.
import Foundation
import MusterCore
import MusterTestSupport
import Testing
@testable import MusterTemplates

@Suite struct RenderTests {
    static let awkward = "O'Brien & <Sons>"

    static func set(_ files: [String: String]) -> TemplateSet { TemplateSet(files: files, displayPath: "templates") }

    static func input(firstName: String = "Sam", zone: String = "Europe/London") -> RenderInput {
        var i = RenderInput.sample(for: .event)
        i.member.firstName = firstName
        i.timeZone = TimeZone(identifier: zone)!
        return i
    }

    @Test func textIsNeverEscapedAndHTMLAlwaysIsIncludingPartials() throws {
        // Given text and HTML templates that both use a partial, and a member with HTML's special characters
        let set = Self.set([
            "t.mustache": "---\nsubject: \"Hi {{member.first_name}}\"\n---\nHello {{member.first_name}}\n{{> footer}}",
            "t.html.mustache": "<p>Hello {{member.first_name}}</p>{{> footer}}",
            "partials/footer.mustache": "Bye {{member.first_name}}\n",
            "partials/footer.html.mustache": "<p>Bye {{member.first_name}}</p>",
        ])
        // When rendered
        let m = try set.render(template: "t", input: Self.input(firstName: Self.awkward))
        // Then the subject and text carry the name as it is, and the HTML escapes it, in the partial too
        #expect(m.subject == "Hi O'Brien & <Sons>")
        #expect(m.text == "Hello O'Brien & <Sons>\nBye O'Brien & <Sons>\n")
        #expect(m.html == "<p>Hello O&#39;Brien &amp; &lt;Sons&gt;</p><p>Bye O&#39;Brien &amp; &lt;Sons&gt;</p>")
    }

    @Test func aNameWithLineBreaksCannotStartANewLineInTheText() throws {
        // Given a hostile first name with CR LF and a header-like tail
        let set = Self.set(["t.mustache": "---\nsubject: \"Hi {{member.first_name}}\"\n---\nHello {{member.first_name}},\nbye\n"])
        // When rendered
        let m = try set.render(template: "t", input: Self.input(firstName: "Eve\r\nBcc: victim@example.com"))
        // Then the name stays on its line in the text and the subject
        #expect(m.text == "Hello Eve  Bcc: victim@example.com,\nbye\n")
        #expect(!m.subject.contains("\n") && !m.subject.contains("\r"))
    }

    @Test func aTextTemplateWithoutHTMLHasNoHTMLPart() throws {
        let set = Self.set(["t.mustache": "---\nsubject: Hi\n---\nHello\n"])
        let m = try set.render(template: "t", input: Self.input())
        #expect(m == MessageContent(subject: "Hi", text: "Hello\n", html: nil))
    }

    @Test func aMemberWithNoRepIsAskedToBecomeOne() throws {
        // Given a member whose workplace has no rep
        var input = RenderInput.sample(for: .sequence)
        input.rep = nil
        // When the shipped welcome is rendered
        let m = try GoldenTests.shipped().render(template: "welcome-1", input: input)
        // Then it says so, kindly, and names no rep
        #expect(m.text.contains("Your workplace doesn't have a rep yet — could it be you?"))
        #expect(!m.text.contains("Priya"))
    }

    static let when = "{{event.starts}}|{{event.date}}|{{event.time}}|{{event.ends}}"

    @Test(arguments: [
        // A Tuesday in British Summer Time and in Chicago's daylight time
        ("2026-10-20T17:30:00Z", "Europe/London", "Tuesday 20 October, 18:30|Tuesday 20 October|18:30|20:00"),
        ("2026-10-20T17:30:00Z", "America/Chicago", "Tuesday 20 October, 12:30|Tuesday 20 October|12:30|14:00"),
        // The Monday after London's clocks went back (25 October 2026); Chicago's change on 1 November
        ("2026-10-26T18:30:00Z", "Europe/London", "Monday 26 October, 18:30|Monday 26 October|18:30|20:00"),
        ("2026-10-26T18:30:00Z", "America/Chicago", "Monday 26 October, 13:30|Monday 26 October|13:30|15:00"),
        // Past midnight in UTC is still the evening before in Chicago
        ("2026-12-02T03:00:00Z", "America/Chicago", "Tuesday 1 December, 21:00|Tuesday 1 December|21:00|Tuesday 1 December, 22:30"),
    ])
    func datesAreWrittenForPeopleInTheRecipientsZone(starts: String, zone: String, expected: String) throws {
        // Given an online event of 90 minutes (an in-person one is written in its venue's zone: see
        // VenueTimeTests)
        let set = Self.set(["t.mustache": "---\nsubject: x\n---\n\(Self.when)\n"])
        var input = Self.input(zone: zone)
        input.event!.online = true
        input.event!.startsAt = ISOTime.parseInstant(starts)!
        input.event!.endsAt = input.event!.startsAt.addingTimeInterval(90 * 60)
        // When rendered for a member in `zone`
        let m = try set.render(template: "t", input: input)
        // Then every date and time is local to them
        let expectedText = zone == "America/Chicago" && starts.hasPrefix("2026-12-02")
            ? "Tuesday 1 December, 21:00|Tuesday 1 December|21:00|22:30\n" : expected + "\n"
        #expect(m.text == expectedText)
    }

    @Test func joinDateAndBallotFiguresAreWholeAndReadable() throws {
        // Given a ballot of 1000 with 499 votes, 7 of 9 at the workplace, and a threshold stored as 50
        let set = Self.set(["t.mustache": """
            ---
            subject: x
            ---
            {{member.joined_on}}|{{ballot.days_left}} {{ballot.days_left_text}}|{{ballot.turnout_percent}}|\
            {{ballot.workplace_turnout_percent}}|{{ballot.threshold_percent}}|{{ballot.closes}}|{{ballot.closes_time}}
            """])
        var input = RenderInput.sample(for: .ballot)
        input.ballot = BallotFigures(
            ballot: Ballot(id: 1, title: "B", opensAt: Date(timeIntervalSince1970: 0),
                           closesAt: ISOTime.parseInstant("2026-12-04T17:00:00Z")!, turnoutThreshold: 50),
            daysLeft: 1, voted: 499, eligible: 1000, workplaceVoted: 7, workplaceEligible: 9)
        // When rendered
        let m = try set.render(template: "t", input: input)
        // Then numbers are whole, turnout rounded down (never claiming a threshold that is not met)
        #expect(m.text == "2 November 2026|1 1 day|49|77|50|Friday 4 December, 17:00|17:00\n")
    }

    @Test func thresholdStoredAsAFractionIsAPercentage() {
        let b = BallotFigures(ballot: Ballot(id: 1, title: "B", opensAt: Date(), closesAt: Date(), turnoutThreshold: 0.4),
                              daysLeft: 0, voted: 0, eligible: 0)
        #expect(b.thresholdPercent == 40)
        #expect(b.turnoutPercent == 0)
        #expect(b.workplaceTurnoutPercent == nil)
    }

    @Test func missingValuesRenderAsNothingNeverAsNil() throws {
        // Given a template naming every optional value, and a member with none of them
        let names = ["member.last_name", "member.role", "member.section", "member.joined_on", "workplace.name",
                     "rep.name", "rep.email", "event.ends", "event.location", "event.url", "event.description",
                     "links.unsubscribe", "links.rsvp_yes", "organisation.website"]
        let set = Self.set(["t.mustache": "---\nsubject: x\n---\n" + names.map { "[{{\($0)}}]" }.joined() + "\n"])
        var input = RenderInput.sparseSample(for: .event)
        input.organisation.website = nil
        input.event!.endsAt = nil; input.event!.location = nil; input.event!.url = nil; input.event!.description = nil
        // When rendered
        let m = try set.render(template: "t", input: input)
        // Then each renders empty
        #expect(m.text == String(repeating: "[]", count: names.count) + "\n")
    }

    @Test func theSubjectIsOneLineWhateverTheDataHolds() throws {
        let set = Self.set(["t.mustache": "---\nsubject: \"  Hi {{member.first_name}}  \"\n---\nx\n"])
        let m = try set.render(template: "t", input: Self.input(firstName: "Sam\r\nBcc: all@example.org\t\u{7}x"))
        #expect(m.subject == "Hi Sam Bcc: all@example.org x")
    }

    @Test func anEmptySubjectIsAnErrorNamingItsLine() throws {
        let set = Self.set(["t.mustache": "---\nsubject: \"{{member.last_name}}\"\n---\nx\n"])
        var input = Self.input()
        input.member.lastName = nil
        #expect(throws: InputError(file: "templates/t.mustache", line: 2, "the subject renders empty")) {
            try set.render(template: "t", input: input)
        }
    }

    @Test func aMissingTemplateIsAnError() throws {
        #expect(throws: InputError(file: "templates", line: nil, "template 'welcome-9' not found (looked for templates/welcome-9.mustache)")) {
            try Self.set([:]).render(template: "welcome-9", input: Self.input())
        }
    }

    @Test func theTextKeepsAtMostOneBlankLineAndEndsWithOneNewline() throws {
        let set = Self.set(["t.mustache": "---\nsubject: x\n---\n\n\nA   \n\n\n\n{{#rep}}\n{{/rep}}\nB\n\n\n"])
        let m = try set.render(template: "t", input: Self.input())
        #expect(m.text == "A\n\nB\n")
    }

    @Test func aDirectoryIsReadWithItsPartials() throws {
        // Given templates written to disk, with CRLF line ends
        let dir = try TemporaryDirectory()
        try dir.write("t/hello.mustache", "---\r\nsubject: \"Hi {{member.first_name}}\"\r\n---\r\nHello{{> sign}}\r\n")
        try dir.write("t/partials/sign.mustache", " from {{organisation.name}}")
        let set = try TemplateSet(directory: dir.file("t"), displayPath: "templates")
        // When rendered
        let m = try set.render(template: "hello", input: Self.input())
        // Then
        #expect(set.names == ["hello"])
        #expect(m.subject == "Hi Sam")
        #expect(m.text == "Hello from Dorset NEU\n")
    }

    @Test func aMissingDirectoryIsAnError() {
        #expect(throws: InputError(file: "templates", line: nil, "the templates directory does not exist (set 'templates:' in muster.yaml)")) {
            try TemplateSet(directory: "/nonexistent/muster-templates", displayPath: "templates")
        }
    }

    @Test func aSharedCacheRendersExactlyWhatAFreshContextDoes() throws {
        // Given members in two zones, an event, and the same event moved an hour later
        let set = try GoldenTests.shipped()
        var moved = Self.input(firstName: "Kim", zone: "Europe/London")
        moved.event?.startsAt.addTimeInterval(3_600)
        let inputs = [Self.input(firstName: "Ann", zone: "Europe/London"), Self.input(firstName: "Bo", zone: "America/New_York"),
                      Self.input(firstName: "Cy", zone: "Europe/London"), moved]
        // When they are rendered one after another through one cache, and each on its own
        let cache = RenderCache()
        for input in inputs {
            // Then each message is the same either way: nothing of one member, zone or event leaks into another
            #expect(try set.render(template: "meeting-tomorrow", input: input, cache: cache)
                    == set.render(template: "meeting-tomorrow", input: input))
        }
        #expect(try set.render(template: "meeting-tomorrow", input: moved, cache: cache).subject
                != set.render(template: "meeting-tomorrow", input: inputs[0], cache: cache).subject)
    }
}


import Foundation
import MusterCore
import MusterTestSupport
import Testing

@Suite struct ScheduleLoaderTests {
    private func error(_ yaml: String, id: String = "welcome", loader: ScheduleLoader = ScheduleLoader()) -> String {
        do {
            _ = try loader.parse(yaml, id: id, file: "schedules/\(id).yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func readsASequence() throws {
        let rule = try ScheduleLoader().parse("""
            description: Welcome new members.
            kind: sequence
            anchor: joined_on
            audience: { status: [active, lapsed], section: [teachers, support], rep: false }
            topic: welcome
            grace: 12h
            steps:
              - { after: 0d, at: "09:00", template: welcome-1 }
              - { after: 36h, template: welcome-2 }
            """, id: "welcome", file: "schedules/welcome.yaml")
        #expect(rule == Rule(
            id: "welcome", file: "schedules/welcome.yaml", kind: .sequence(anchor: .column("joined_on")),
            audience: Audience(status: [.active, .lapsed], section: ["teachers", "support"], rep: false),
            topic: "welcome", grace: .hours(12), description: "Welcome new members.",
            steps: [Step(.after(.days(0)), at: TimeOfDay(hour: 9, minute: 0), template: "welcome-1"),
                    Step(.after(.hours(36)), template: "welcome-2")]))
    }

    @Test func readsAnEventABallotAndARecurringRule() throws {
        let event = try ScheduleLoader().parse("""
            kind: event
            events: { kind: [meeting, conference], workplace: district }
            recipients: unregistered
            calendar: true
            topic: meetings
            steps: [{ before: 1d, at: "17:00", template: meeting-tomorrow }]
            """, id: "m", file: "schedules/m.yaml")
        #expect(event.kind == .event(EventSelection(kinds: ["meeting", "conference"], workplaces: ["district"]),
                                     recipients: .unregistered, calendar: true))
        #expect(event.audience == .active)
        #expect(event.grace == .days(1))
        let ballot = try ScheduleLoader().parse("""
            kind: ballot
            topic: ballots
            steps:
              - { after_open: 0d, at: "08:00", template: ballot-open }
              - { every: 4d, at: "17:30", template: ballot-reminder }
              - { before_close: 2d, template: ballot-last-days }
            """, id: "b", file: "schedules/b.yaml")
        #expect(ballot.kind == .ballot(recipients: .notVoted))
        #expect(ballot.steps.map(\.timing) == [.afterOpen(.days(0)), .every(.days(4)), .beforeClose(.days(2))])
        let recurring = try ScheduleLoader().parse("""
            kind: recurring
            cron: "0 7 * * MON"
            audience: { rep: true }
            topic: newsletter
            template: reps-weekly
            """, id: "r", file: "schedules/r.yaml")
        #expect(recurring.steps == [Step(.cron(try Cron("0 7 * * MON")), template: "reps-weekly")])
        #expect(recurring.audience.rep == true)
    }

    @Test func namesFileLineAndMendForEachMistake() {
        let sequenceHead = "kind: sequence\nanchor: joined_on\ntopic: welcome\n"
        #expect(error(sequenceHead + """
            steps:
              - { after: 0d, at: "09:00", template: welcome-1 }
              - { after: 7 days, at: "09:00", template: welcome-2-your-rep }
            """) == #"schedules/welcome.yaml:6: step 2: 'after' must look like '7d' or '36h' (got "7 days")"#)
        #expect(error(sequenceHead + "colour: red\nsteps: [{ after: 0d, template: a }]")
            == "schedules/welcome.yaml:4: the rule: unknown key 'colour' (expected one of: kind, description, audience, topic, grace, priority, anchor, steps)")
        #expect(error(sequenceHead + "steps:\n  - { aftr: 7d, template: a }")
            == "schedules/welcome.yaml:5: step 1: unknown key 'aftr' (expected one of: after, at, template, priority)")
        #expect(error(sequenceHead + "steps:\n  - { after: 7d }")
            == "schedules/welcome.yaml:5: step 1: 'template' is required")
        #expect(error(sequenceHead + "steps:\n  - { after: 7d, at: 9am, template: a }")
            == #"schedules/welcome.yaml:5: step 1: 'at' must be a local time like "09:00" (got "9am")"#)
        #expect(error(sequenceHead + "steps: []") == "schedules/welcome.yaml:4: 'steps' must list at least one step")
        #expect(error(sequenceHead + "grace: soon\nsteps: [{ after: 0d, template: a }]")
            == #"schedules/welcome.yaml:4: 'grace' must look like '1d' or '12h' (got "soon")"#)
        #expect(error("kind: seq\ntopic: x") == #"schedules/welcome.yaml:1: 'kind' must be sequence, event, ballot, recurring or broadcast (got "seq")"#)
        #expect(error("topic: x") == "schedules/welcome.yaml:1: 'kind' is required: sequence, event, ballot, recurring or broadcast")
        #expect(error("kind: sequence\nanchor: joined_on\nsteps: [{ after: 0d, template: a }]")
            == "schedules/welcome.yaml:1: 'topic' is required: what members can unsubscribe from, e.g. welcome or newsletter")
        #expect(error("kind: sequence\nanchor: birthday\ntopic: x\nsteps: [{ after: 0d, template: a }]")
            == #"schedules/welcome.yaml:2: 'anchor' must be joined_on or entered_audience (got "birthday")"#)
        #expect(error(sequenceHead + "audience: { status: gone }\nsteps: [{ after: 0d, template: a }]")
            == #"schedules/welcome.yaml:4: audience: 'status' must be active, lapsed or left (got "gone")"#)
        #expect(error(sequenceHead + "audience: { rep: maybe }\nsteps: [{ after: 0d, template: a }]")
            == #"schedules/welcome.yaml:4: audience: 'rep' must be true or false (got "maybe")"#)
        #expect(error(sequenceHead + "audience: { team: x }\nsteps: [{ after: 0d, template: a }]")
            == "schedules/welcome.yaml:4: audience: unknown key 'team' (expected one of: status, section, role, workplace_kind, workplace, rep, where)")
        #expect(error(sequenceHead + "steps: [{ after: 0d, template: \"a b\" }]")
            == #"schedules/welcome.yaml:4: step 1: 'template' must be a name of letters, digits, '-' or '_' (got "a b")"#)
    }

    @Test func namesMistakesInEventBallotAndRecurringRules() {
        #expect(error("kind: event\nevents: { kind: meeting }\nrecipients: everyone\ntopic: m\nsteps: [{ before: 1d, template: a }]")
            == #"schedules/welcome.yaml:3: 'recipients' must be invited, registered or unregistered (got "everyone")"#)
        #expect(error("kind: event\nevents: { kind: meeting }\nrecipients: invited\ntopic: m\nsteps: [{ after: 1d, template: a }]")
            == "schedules/welcome.yaml:5: step 1: unknown key 'after' (expected one of: before, at, template, priority)")
        #expect(error("kind: event\nevents: { type: meeting }\nrecipients: invited\ntopic: m\nsteps: [{ before: 1d, template: a }]")
            == "schedules/welcome.yaml:2: events: unknown key 'type' (expected one of: kind, workplace)")
        #expect(error("kind: ballot\ntopic: b\nsteps:\n  - { every: 4d, before_close: 2d, template: a }")
            == "schedules/welcome.yaml:4: step 1: a ballot step needs exactly one of 'after_open', 'every' or 'before_close'")
        #expect(error("kind: ballot\ntopic: b\nsteps:\n  - { every: 0d, template: a }")
            == #"schedules/welcome.yaml:4: step 1: 'every' must be at least 1h (got "0d")"#)
        #expect(error("kind: recurring\ncron: \"0 7 * * MOX\"\ntopic: newsletter\ntemplate: reps-weekly", id: "reps-weekly")
            == #"schedules/reps-weekly.yaml:2: cron field 5 (day of week): "MOX" is not a day name"#)
        #expect(error("kind: recurring\ncron: \"0 7 * * MON\"\ntopic: newsletter\nsteps: []", id: "r")
            == "schedules/r.yaml:4: the rule: unknown key 'steps' (expected one of: kind, description, audience, topic, grace, priority, cron, template, attach)")
        #expect(error("kind: recurring\ncron: \"0 8 * * MON#1\"\ntopic: officers\ntemplate: o\nattach: report.pdf", id: "o")
            == #"schedules/o.yaml:5: 'attach' can name report.html (got "report.pdf")"#)
        #expect(error("kind: ballot\ntopic: b\nattach: report.html\nsteps: [{ every: 1d, template: a }]")
            == "schedules/welcome.yaml:3: the rule: unknown key 'attach' (expected one of: kind, description, audience, topic, grace, priority, recipients, steps)")
        #expect(error("kind: ballot\ntopic: b\ntemplate: x\nsteps: [{ every: 1d, template: a }]")
            == "schedules/welcome.yaml:3: the rule: unknown key 'template' (expected one of: kind, description, audience, topic, grace, priority, recipients, steps)")
        #expect(error("kind: [sequence]") == "schedules/welcome.yaml:1: 'kind' must be a single value, not a list or mapping")
        #expect(error("kind: sequence\n  bad: [") .hasPrefix("schedules/welcome.yaml:2: not valid YAML: "))
    }

    @Test func refusesAWhereThatIsNotOneCondition() {
        let head = "kind: recurring\ncron: \"0 7 * * MON\"\ntopic: newsletter\ntemplate: reps-weekly\n"
        #expect(error(head + #"audience: { where: "1); DROP TABLE members; --" }"#, id: "r")
            == "schedules/r.yaml:5: audience: 'where' must be one read-only SQL condition over m and w: it may not contain ';'")
        #expect(error(head + #"audience: { where: "1) UNION SELECT 1 FROM members WHERE (1" }"#, id: "r")
            == "schedules/r.yaml:5: audience: 'where' must be one read-only SQL condition over m and w: it closes a parenthesis it did not open")
        #expect(error(head + #"audience: { where: "m.section = 'a' -- )" }"#, id: "r")
            == "schedules/r.yaml:5: audience: 'where' must be one read-only SQL condition over m and w: it may not contain comments ('--' or '/*')")
        #expect(error(head + #"audience: { where: "m.last_name = 'O''Brien; (' " }"#, id: "r") == "no error")
        #expect(error(head + "audience:\n  rep: true\n  where: \"(m.section = 'x'\"", id: "r")
            == "schedules/r.yaml:7: audience: 'where' must be one read-only SQL condition over m and w: a parenthesis is not closed")
    }

    @Test func asksTheHookAboutAWhereAndNamesItsLine() {
        let loader = ScheduleLoader(checkCondition: { sql in sql.contains("nope") ? "is not a valid condition: no such column: nope" : nil })
        let text = "kind: recurring\ncron: \"0 7 * * MON\"\ntopic: n\ntemplate: t\naudience:\n  where: \"nope = 1\""
        #expect(error(text, id: "r", loader: loader)
            == "schedules/r.yaml:6: audience: 'where' is not a valid condition: no such column: nope")
    }

    @Test func loadsADirectoryAndReportsEveryBadFile() throws {
        let dir = try TemporaryDirectory()
        try dir.write("schedules/good.yaml", "kind: recurring\ncron: \"0 7 * * MON\"\ntopic: n\ntemplate: t\n")
        try dir.write("schedules/bad-one.yaml", "kind: recurring\ncron: \"0 7 * *\"\ntopic: n\ntemplate: t\n")
        try dir.write("schedules/bad-two.yaml", "kind: nothing\n")
        try dir.write("schedules/notes.txt", "not a rule")
        #expect(throws: (any Error).self) { try ScheduleLoader().load(directory: dir.file("schedules")) }
        do {
            _ = try ScheduleLoader().load(directory: dir.file("schedules"))
        } catch let e as InputErrors {
            #expect(e.description == """
                schedules/bad-one.yaml:2: cron must have five fields: minute hour day-of-month month day-of-week (got 4 in "0 7 * *")
                schedules/bad-two.yaml:1: 'kind' must be sequence, event, ballot, recurring or broadcast (got "nothing")
                """)
        }
        try FileManager.default.removeItem(atPath: dir.file("schedules/bad-one.yaml"))
        try FileManager.default.removeItem(atPath: dir.file("schedules/bad-two.yaml"))
        let rules = try ScheduleLoader().load(directory: dir.file("schedules"))
        #expect(rules.map(\.id) == ["good"])
        #expect(rules.first?.file == "schedules/good.yaml")
    }

    @Test func loadsTheShippedSchedules() throws {
        let rules = try ScheduleLoader().load(directory: Repository.path("schedules"))
        #expect(rules.map(\.id) == [
            "ballot-chaser", "induction-invite", "induction-reminder", "leadership-journal", "leadership-welcome", "meeting-reminders",
            "officers-monthly", "reps-weekly", "training-reminder", "training-reps", "welcome",
        ])
        #expect(rules.flatMap(\.templates) == [
            "ballot-open", "ballot-reminder", "ballot-last-days", "ballot-reps-chase", "induction-invite", "induction-reminder",
            "meeting-changed", "meeting-cancelled",
            "leadership-journal-jan", "leadership-welcome", "meeting-week-before", "meeting-tomorrow", "meeting-changed", "meeting-cancelled",
            "officers-monthly", "reps-weekly", "training-reminder", "meeting-changed", "meeting-cancelled",
            "training-reps-invite", "welcome-1", "welcome-2-your-rep", "welcome-3-training",
        ])
        #expect(rules.filter { $0.notices.all == ["meeting-changed", "meeting-cancelled"] }.map(\.id) == [
            "induction-reminder", "meeting-reminders", "training-reminder",
        ])
        #expect(rules.map(\.kind.name) == [
            "ballot", "event", "event", "broadcast", "sequence", "event", "recurring", "recurring", "event", "event", "sequence",
        ])
        #expect(rules.map(\.topic) == [
            "ballots", "meetings", "meetings", "journal", "welcome", "meetings", "officers", "newsletter", "training", "training", "welcome",
        ])
        #expect(rules.allSatisfy { $0.description != nil && $0.grace == .days(1) })
        let invite = try #require(rules.first { $0.id == "induction-invite" })
        #expect(invite.audience.condition == "m.joined_on >= date(:today, '-120 days')")
        #expect(invite.audience.status == [.active])
        let reps = try #require(rules.first { $0.id == "training-reps" })
        #expect(reps.kind == .event(EventSelection(kinds: ["training"]), recipients: .unregistered, calendar: false))
        #expect(reps.audience.rep == true)
        #expect(rules.first { $0.id == "meeting-reminders" }?.calendar == true)
        let officers = try #require(rules.first { $0.id == "officers-monthly" })
        #expect(officers.attachments == ["report.html"])
        #expect(officers.audience.role?.contains("district secretary") == true)
    }
}

// The member limits through the binary and a real SMTP server: moved, sent anyway (high), skipped.
import Foundation
import MusterTestSupport
import Testing

@Suite struct MemberLimitTests {
    /// Four rules that all speak to Ann on Wednesday 4 December 2030 (London, GMT): a meeting's
    /// week-before reminder at 09:00 (normal), a training invitation at 09:00 (low), the ballot's
    /// last days at 10:00 (high), and a note on the day she joined at 11:00 with 12 hours' grace.
    /// Bob, at another workplace, hears only the ballot and the note.
    static func district(_ server: SMTPTestServer) throws -> (TickHarness, TemporaryDirectory) {
        let files = try TemporaryDirectory()
        try files.write("schedules/meetings.yaml", """
            kind: event
            events: { kind: meeting }
            recipients: invited
            topic: meetings
            steps: [{ before: 7d, at: "09:00", template: meeting }]
            """)
        try files.write("schedules/training.yaml", """
            kind: event
            events: { kind: training }
            recipients: invited
            topic: training
            priority: low
            steps: [{ before: 7d, at: "09:00", template: training }]
            """)
        try files.write("schedules/chaser.yaml", """
            kind: ballot
            topic: ballots
            steps: [{ before_close: 2d, at: "10:00", template: last-days, priority: high }]
            """)
        try files.write("schedules/note.yaml", """
            kind: sequence
            anchor: joined_on
            topic: welcome
            grace: 12h
            steps: [{ after: 0d, at: "11:00", template: note }]
            """)
        for (name, subject) in [("meeting", "Meeting next week"), ("training", "Training next week"),
                                ("last-days", "Two days left to vote"), ("note", "Welcome")] {
            try files.write("templates/\(name).mustache", """
                ---
                subject: "\(subject)"
                ---
                Hello {{member.first_name}}.
                """)
        }
        let h = try TickHarness(smtpURL: server.url, schedules: files.file("schedules"), templates: files.file("templates"),
                                mailExtra: "  per_member: { day: 1, week: 4 }")
        try h.execute("""
            INSERT INTO workplaces(id, name, kind) VALUES (1, 'Wareham Primary', 'primary'), (2, 'Poole High', 'secondary');
            INSERT INTO members(id, membership_number, first_name, email, workplace_id, status, joined_on) VALUES
              (1, 'DN1', 'Ann', 'ann@example.org', 1, 'active', '2030-12-04'),
              (2, 'DN2', 'Bob', 'bob@example.org', 2, 'active', '2030-12-04');
            INSERT INTO events(id, kind, title, starts_at, workplace_id) VALUES
              (1, 'meeting', 'Branch meeting', '2030-12-11T18:30:00Z', 1),
              (2, 'training', 'Reps course', '2030-12-11T18:30:00Z', 1);
            INSERT INTO ballots(id, title, opens_at, closes_at) VALUES (1, 'Pay', '2030-12-01T08:00:00Z', '2030-12-06T12:00:00Z');
            INSERT INTO ballot_members(ballot_id, member_id) VALUES (1, 1), (1, 2);
            """)
        return (h, files)  // the schedules and templates live as long as the caller keeps `files`
    }

    @Test func aLowOneMovesToTheNextDayAHighOneGoesAndCountsAndOnePastItsGraceIsSkipped() async throws {
        let server = try await startTestServer()
        let (h, files) = try Self.district(server)
        defer { withExtendedLifetime(files) {} }

        // Before the day: plan shows what the limit will do
        let plan = try await offPool { try h.runBinary(["plan", "--now", "2030-12-04T08:00:00Z", "--days", "1"]) }
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("Training next week   [moved to Thu 09:00: member limit]"), "\(plan.stdout)")
        #expect(plan.stdout.contains("Welcome   [held: member limit]"), "\(plan.stdout)")
        #expect(plan.stdout.contains("Member limit (1 a day, 4 in 7 days): 1 moved to a later day, 2 held (never sent)"), "\(plan.stdout)")

        // When muster ticks at 09:00, 10:00 and 11:00 on Wednesday
        for t in ["2030-12-04T09:00:00Z", "2030-12-04T10:00:00Z", "2030-12-04T11:00:00Z"] {
            let r = try await offPool { try h.runBinary(["tick", "--now", t]) }
            #expect(r.status == 0, "\(r.stderr)")
        }

        // Then Ann got the meeting reminder and the ballot's last days (high goes although her day was
        // full), Bob only the ballot (and it counted: his note was skipped)
        let wednesday = try await server.receivedOffPool()
        #expect(wednesday.map(\.rcptTos) == [["ann@example.org"], ["ann@example.org"], ["bob@example.org"]])
        let rows = try h.outbox()
        let training = try #require(rows.first { $0.rule == "training" })
        #expect((training.state, training.nextAttemptAt, training.reason) == ("queued", "2030-12-05T09:00:00Z", "member limit"))
        let notes = rows.filter { $0.rule == "note" }
        #expect(notes.map(\.state) == ["suppressed", "suppressed"])
        #expect(notes.map(\.reason) == ["member limit", "member limit"])
        #expect(notes.allSatisfy { $0.message == nil }, "a skipped message is never rendered")

        // When muster ticks on Thursday at 09:00, the moved training invitation goes at the same local time
        let thursday = try await offPool { try h.runBinary(["tick", "--now", "2030-12-05T09:00:00Z"]) }
        #expect(thursday.status == 0, "\(thursday.stderr)")
        #expect(thursday.stdout.contains("delivered  1 sent"), "\(thursday.stdout)")
        let all = try await server.receivedOffPool()
        #expect(all.count == 4)
        #expect(all.last?.rcptTos == ["ann@example.org"])
        #expect(try h.strings("SELECT sent_at FROM muster_outbox WHERE rule = 'training'") == ["2030-12-05T09:00:00Z"])
    }
}

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
            steps:
              - { after: 0d, at: "11:00", template: note }
              - { after: 14d, at: "11:00", template: note }
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

    /// `muster explain` walks Ann through every reason: sent, held and moved by the member limit,
    /// skipped by it, due next, a vote that stopped the chaser, a paused rule, an opt-out, a
    /// deferral, a failure, an expiry, and finally leaving the audience.
    @Test func explainWalksOneMemberThroughEachReason() async throws {
        let server = try await startTestServer()
        let (h, files) = try Self.district(server)
        defer { withExtendedLifetime(files) {} }
        for t in ["2030-12-04T09:00:00Z", "2030-12-04T10:00:00Z", "2030-12-04T11:00:00Z"] {
            let r = try await offPool { try h.runBinary(["tick", "--now", t]) }
            #expect(r.status == 0, "\(r.stderr)")
        }
        @Sendable func explain(_ extra: String...) throws -> String {
            let r = try h.runBinary(["explain", "1", "--now", "2030-12-04T11:30:00Z"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout
        }
        let first = try await offPool { try explain() }
        #expect(first == """
            Member 1 as of Wed 4 Dec 11:30 (Europe/London):
              chaser step 1: sent Wed 4 Dec 10:00 (outbox 3)
              meetings step 1: sent Wed 4 Dec 09:00 (outbox 1)
              note step 1: skipped, member limit (no free day before it expired) (outbox 5)
              note step 2: due Wed 18 Dec 11:00
              training step 1: held, member limit, moved to Thu 09:00 (outbox 2)

            """, "\(first)")

        // Ann reports her vote, the training rule is paused, and she opts out of email
        try h.execute("UPDATE ballot_members SET voted_at = '2030-12-04T10:30:00Z' WHERE member_id = 1")
        try h.execute("UPDATE members SET email_opt_out = 1 WHERE id = 1")
        let paused = try await offPool { try h.runBinary(["pause", "training"]) }
        #expect(paused.status == 0, "\(paused.stderr)")
        let second = try await offPool { try explain() }
        #expect(second.contains("  chaser: stopped for Pay, voted on 4 Dec\n"), "\(second)")
        // A rep's report (as VoteReports records it) is named: who told us, by member id only.
        try h.execute("""
            INSERT INTO muster_vote_reports(ballot_id, member_id, reported_by, at)
            SELECT ballot_id, 1, '7', '2030-12-04T10:30:00Z' FROM ballot_members WHERE member_id = 1
            """)
        let reported = try await offPool { try explain() }
        #expect(reported.contains("  chaser: stopped for Pay, voted on 4 Dec (reported by their rep, member 7)\n"), "\(reported)")
        #expect(second.contains("  training: paused (nothing of it goes out until 'muster resume training')\n"), "\(second)")
        #expect(second.contains("  training step 1: held, member limit, moved to Thu 09:00, waiting: the rule is paused (outbox 2)\n"), "\(second)")
        #expect(second.contains("  note step 2: due Wed 18 Dec 11:00, but will not be mailed: opted out of email\n"), "\(second)")

        // The outbox's own reasons: a deferral, a failure, an expiry
        try h.execute("""
            UPDATE muster_outbox SET state = 'queued', attempts = 2, last_reply = '451 try later',
                next_attempt_at = '2030-12-04T12:00:00Z' WHERE id = 1;
            UPDATE muster_outbox SET state = 'failed', reason = 'refused by the server' WHERE id = 3;
            UPDATE muster_outbox SET state = 'expired', reason = 'expired before it could be sent' WHERE id = 2;
            """)
        let third = try await offPool { try explain() }
        #expect(third.contains("  meetings step 1: deferred after 2 attempts (451 try later), next try Wed 4 Dec 12:00 (outbox 1)\n"), "\(third)")
        #expect(third.contains("  chaser step 1: failed: refused by the server (outbox 3)\n"), "\(third)")
        #expect(third.contains("  training step 1: not sent: expired before it could be sent (outbox 2)\n"), "\(third)")

        // She lapses: out of every active-only audience; --rule narrows to one rule
        try h.execute("UPDATE members SET status = 'lapsed' WHERE id = 1")
        let fourth = try await offPool { try explain("--rule", "meetings") }
        #expect(fourth == """
            Member 1 as of Wed 4 Dec 11:30 (Europe/London):
              meetings: not in the audience (status is lapsed)
              meetings step 1: deferred after 2 attempts (451 try later), next try Wed 4 Dec 12:00 (outbox 1)

            """, "\(fourth)")
        let nobody = try await offPool { try h.runBinary(["explain", "99"]) }
        #expect(nobody.status != 0)
        #expect(nobody.stderr.contains("there is no member with id 99"), "\(nobody.stderr)")
    }
}

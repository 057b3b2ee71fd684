// Quiet hours through tick: a step without `at` due late in the evening waits for the recipient's morning.
import Foundation
import MusterTestSupport
import Testing

@Suite struct TickQuietHoursTests {
    @Test func aStepWithoutAtDueAt2300LocalWaitsUntilTheEndOfQuietHours() async throws {
        // Given a rule whose only step is 23 hours after joining (no `at`), quiet hours 21:00-08:00,
        // and two members who joined on 3 December 2030: one in London, one in New York
        let server = try SMTPTestServer()
        let files = try TemporaryDirectory()
        try files.write("schedules/late-note.yaml", """
            kind: sequence
            anchor: joined_on
            audience: { status: active }
            topic: welcome
            steps:
              - { after: 23h, template: late-note }
            """)
        try files.write("templates/late-note.mustache", """
            ---
            subject: "A late note for {{member.first_name}}"
            ---
            Hello {{member.first_name}}.
            """)
        let h = try TickHarness(smtpURL: server.url, schedules: files.file("schedules"), templates: files.file("templates"),
                                mailExtra: "  quiet_hours: \"21:00-08:00\"")
        try h.execute("""
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on, timezone) VALUES
              (1, 'DN1', 'Ann', 'ann@example.org', 'active', '2030-12-03', NULL),
              (2, 'DN2', 'Nia', 'nia@example.org', 'active', '2030-12-03', 'America/New_York')
            """)

        // When muster ticks at 23:00 London, when Ann's note falls due
        let atDue = try await h.tick(instant("2030-12-03T23:00:00Z"))

        // Then it is queued for 08:00 London and not sent
        #expect((atDue.queued, atDue.sent) == (1, 0))
        #expect(try h.outbox().map(\.nextAttemptAt) == ["2030-12-04T08:00:00Z"])

        // When Nia's falls due (23:00 in New York, 04:00 UTC) and muster ticks again just before 08:00 London
        let nyDue = try await h.tick(instant("2030-12-04T04:00:00Z"))
        let early = try await h.tick(instant("2030-12-04T07:59:00Z"))

        // Then hers waits for 08:00 New York, and nothing has been sent yet
        #expect((nyDue.queued, nyDue.sent, early.sent) == (1, 0, 0))
        #expect(try h.outbox().map(\.nextAttemptAt) == ["2030-12-04T08:00:00Z", "2030-12-04T13:00:00Z"])
        #expect(try server.received().isEmpty)

        // When it is 08:00 in London, then 08:00 in New York
        let london = try await h.tick(instant("2030-12-04T08:00:00Z"))
        let newYork = try await h.tick(instant("2030-12-04T13:00:00Z"))

        // Then each is sent at the end of their own quiet hours
        #expect((london.sent, newYork.sent) == (1, 1))
        #expect(try server.received().map(\.rcptTos) == [["ann@example.org"], ["nia@example.org"]])
    }

    @Test func aStepWithAtFoundLateInsideQuietHoursWaitsForTheMorningButOnTimeItGoes() async throws {
        // Given a meeting reminder at 17:00 London the day before, a grace of two days, quiet
        // hours 21:00-08:00, and two members invited to two meetings
        let server = try SMTPTestServer()
        let files = try TemporaryDirectory()
        try files.write("schedules/reminder.yaml", """
            kind: event
            events: { kind: meeting }
            recipients: invited
            topic: meetings
            grace: 2d
            steps:
              - { before: 1d, at: "17:00", template: reminder }
            """)
        try files.write("templates/reminder.mustache", """
            ---
            subject: "Tomorrow: {{event.title}}"
            ---
            Hello {{member.first_name}}.
            """)
        let h = try TickHarness(smtpURL: server.url, schedules: files.file("schedules"), templates: files.file("templates"),
                                mailExtra: "  quiet_hours: \"21:00-08:00\"")
        try h.execute("""
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on) VALUES
              (1, 'DN1', 'Ann', 'ann@example.org', 'active', '2020-01-01');
            INSERT INTO events(id, kind, title, starts_at) VALUES
              (1, 'meeting', 'AGM', '2030-12-05T18:00:00Z'), (2, 'meeting', 'Pay', '2030-12-12T18:00:00Z')
            """)

        // When muster first runs at 23:50 London, hours after the AGM's 17:00 reminder fell due
        let late = try await h.tick(instant("2030-12-04T23:50:00Z"))

        // Then the reminder is queued for 08:00, not sent at midnight
        #expect((late.queued, late.sent) == (1, 0))
        #expect(try h.outbox().map(\.nextAttemptAt) == ["2030-12-05T08:00:00Z"])
        let morning = try await h.tick(instant("2030-12-05T08:00:00Z"))
        #expect(morning.sent == 1)

        // When the Pay meeting's reminder is ticked a minute after its 17:00, it goes at once
        let onTime = try await h.tick(instant("2030-12-11T17:01:00Z"))
        #expect((onTime.queued, onTime.sent) == (1, 1))
        #expect(try server.received().count == 2)
    }
}

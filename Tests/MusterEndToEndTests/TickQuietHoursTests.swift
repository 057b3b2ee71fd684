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
}

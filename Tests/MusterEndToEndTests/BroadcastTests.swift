// `kind: broadcast` through the binary and a real SMTP server: once per member, at their local time;
// a broadcast edited into the past mails nobody.
import Foundation
import MusterTestSupport
import Testing

@Suite struct BroadcastTests {
    static func district(_ server: SMTPTestServer, sendAt: String) throws -> (TickHarness, TemporaryDirectory) {
        let files = try TemporaryDirectory()
        try files.write("schedules/journal.yaml", """
            kind: broadcast
            send_at: "\(sendAt)"
            audience: { section: leadership }
            topic: journal
            template: journal
            """)
        try files.write("templates/journal.mustache", """
            ---
            subject: "Leadership journal"
            ---
            Hello {{member.first_name}}.
            """)
        let h = try TickHarness(smtpURL: server.url, schedules: files.file("schedules"), templates: files.file("templates"))
        try h.execute("""
            INSERT INTO members(id, membership_number, first_name, email, section, status, joined_on, timezone) VALUES
              (1, 'DN1', 'Ann', 'ann@example.org', 'leadership', 'active', '2020-01-06', NULL),
              (2, 'DN2', 'Nia', 'nia@example.org', 'leadership', 'active', '2020-01-06', 'America/New_York'),
              (3, 'DN3', 'Bob', 'bob@example.org', 'teachers', 'active', '2020-01-06', NULL)
            """)
        return (h, files)
    }

    /// Given a broadcast at 09:00 on 12 January 2027 to the leadership section (Ann in London, Nia in New York),
    /// when muster ticks hourly through that day,
    /// then each gets it once, at 09:00 their time; Bob (not in the audience) gets nothing.
    @Test func aBroadcastReachesEachMemberOnceAtTheirLocalSendTime() async throws {
        let server = try await startTestServer()
        let (h, files) = try Self.district(server, sendAt: "2027-01-12 09:00")
        defer { withExtendedLifetime(files) {} }
        var sentAt: [String: String] = [:]
        for hour in 6...20 {
            let now = String(format: "2027-01-12T%02d:00:00Z", hour)
            let r = try await offPool { try h.runBinary(["tick", "--now", now]) }
            #expect(r.status == 0, "\(r.stderr)")
            for m in try await server.receivedOffPool() where sentAt[m.rcptTos[0]] == nil { sentAt[m.rcptTos[0]] = now }
        }
        #expect(sentAt == ["ann@example.org": "2027-01-12T09:00:00Z", "nia@example.org": "2027-01-12T14:00:00Z"])
        #expect(try await server.receivedOffPool().count == 2)
        #expect(try h.strings("SELECT dedupe_key FROM muster_outbox ORDER BY id") == ["journal/1/m1/-/-/", "journal/1/m2/-/-/"])
    }

    /// Given a broadcast whose time is more than its grace (1 day) in the past,
    /// when muster ticks, then it mails nobody and says so.
    @Test func aBroadcastEditedIntoThePastMailsNobody() async throws {
        let server = try await startTestServer()
        let (h, files) = try Self.district(server, sendAt: "2027-01-10 09:00")
        defer { withExtendedLifetime(files) {} }
        let r = try await offPool { try h.runBinary(["tick", "--now", "2027-01-12T10:00:00Z"]) }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("skipped    2 whose time passed more than their grace ago, never sent late (journal 2)"), "\(r.stdout)")
        #expect(try await server.receivedOffPool().isEmpty)
        #expect(try h.outbox().isEmpty)
    }
}

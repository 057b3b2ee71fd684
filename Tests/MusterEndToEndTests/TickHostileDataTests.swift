// Hostile data through the whole path, through the real binary: header injection, huge lines, a lone dot, non-ASCII, a bad address.
import Foundation
import MusterTestSupport
import Testing

@Suite struct TickHostileDataTests {
    static let now = "2026-11-25T09:00:00Z"  // a week before the meeting, 09:00 in London
    static let description = String(repeating: "Pay, workload and the budget; ", count: 166) + "and any other business."  // 5,003 characters, one line

    /// The shipped templates, with a line that is a single `.` in the week-before meeting reminder.
    static func templatesWithALoneDot(in dir: TemporaryDirectory) throws -> String {
        let target = dir.file("templates")
        try FileManager.default.copyItem(atPath: Repository.path("templates"), toPath: target)
        let file = target + "/meeting-week-before.mustache"
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "Meetings are where we decide", with: ".\nMeetings are where we decide")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return target
    }

    @Test func hostileRowsAreSentSafelyAndABadAddressFailsAloneWithTheTickExitingZero() async throws {
        // Given four members (one whose first name carries a Bcc header, one with a non-ASCII name,
        // one whose address "bob@" was put in by SQL, one plain), a district meeting with curly
        // quotes in its title and a 5,000-character description, and a template with a lone-dot line
        let server = try SMTPTestServer()
        let scratch = try TemporaryDirectory()
        let h = try TickHarness(smtpURL: server.url, templates: try Self.templatesWithALoneDot(in: scratch))
        try h.execute("""
            INSERT INTO workplaces(id, name, kind) VALUES (1, 'Łódź Road Primary', 'primary');
            INSERT INTO members(id, membership_number, first_name, last_name, email, workplace_id, status, joined_on) VALUES
              (1, 'DN1', ?, 'Adams', 'eve@example.org', 1, 'active', '2020-01-06'),
              (2, 'DN2', 'Zoë', 'Łukasz-Wiśniewski', 'zoe@example.org', 1, 'active', '2020-01-06'),
              (3, 'DN3', 'Bob', 'Brown', 'bob@', 1, 'active', '2020-01-06'),
              (4, 'DN4', 'Ann', 'Smith', 'ann@example.org', 1, 'active', '2020-01-06');
            INSERT INTO events(id, kind, title, starts_at, ends_at, location, workplace_id, description) VALUES
              (1, 'meeting', '“Pay up” — district meeting', '2026-12-02T18:30:00Z', '2026-12-02T20:00:00Z',
               'Łódź Road Primary', NULL, ?);
            """, ["Eve\r\nBcc: victim@example.com", Self.description])

        // When `muster tick` runs a week before the meeting
        let run = try h.runBinary(["tick", "--now", Self.now])

        // Then it exits 0, saying three were sent and one failed for bad data
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines == [
            "tick at Wed 25 Nov 2026 09:00 (Europe/London)",
            "planned    4 due now: 3 newly queued, 0 not mailed (no address, opted out, unsubscribed or bounced), 1 failed (bad data)",
            "delivered  3 sent, 0 deferred, 0 failed; 0 expired unsent",
            "next due   nothing queued",
        ])
        #expect(!run.stderr.contains("example.org") && !run.stderr.contains("Zoë") && !run.stderr.contains("Eve"))

        // and Bob's message failed with the reason, never reaching the server
        let bob = try #require(try h.outbox().first { $0.memberID == 3 })
        #expect(bob.state == "failed")
        #expect(bob.reason == "the email address is not valid")
        let received = try server.received()
        #expect(received.map(\.rcptTos).sorted { $0[0] < $1[0] } == [["ann@example.org"], ["eve@example.org"], ["zoe@example.org"]])

        // and every message parses cleanly, with no line over 998 octets
        let files = received.map { server.directory.file($0.file) }
        #expect(try pythonEmailDefects(files).split(separator: "\n").allSatisfy { $0.hasSuffix(": ok") })
        let parsed = try ParsedMail.parse(files)
        let byTo = Dictionary(uniqueKeysWithValues: zip(received.map { $0.rcptTos[0] }, parsed))
        #expect(parsed.allSatisfy { $0.maxLine < 998 })

        // and Eve's name never became a header: one recipient, no Bcc
        let eve = try #require(byTo["eve@example.org"])
        #expect(eve.bcc == nil)
        #expect(eve.to == "\"Eve Bcc: victim@example.com Adams\" <eve@example.org>")
        let eveBytes = server.bytes(of: received.first { $0.rcptTos == ["eve@example.org"] }!)
        let eveHead = String(decoding: eveBytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        #expect(eveHead.contains("\r\nTo: \"Eve Bcc: victim@example.com Adams\" <eve@example.org>\r\n"))
        #expect(!eveHead.contains("\r\nBcc:"))

        // and non-ASCII survives in the name, the subject and the body
        let zoe = try #require(byTo["zoe@example.org"])
        #expect(zoe.to == "Zoë Łukasz-Wiśniewski <zoe@example.org>")
        #expect(zoe.subject == "“Pay up” — district meeting: Wednesday 2 December, 18:30")
        #expect(zoe.text.hasPrefix("Hello Zoë,\n"))

        // and the long description and the lone dot arrive whole, with the rest of the message after them
        for mail in parsed {
            #expect(mail.text.contains("On the agenda: " + Self.description + "\n"))
            #expect(mail.text.contains("\n.\nMeetings are where we decide"))
            #expect(mail.text.contains("Reply to this email to reach the district office."))
            #expect(mail.types == ["multipart/mixed", "text/plain", "text/calendar"])
        }
    }
}

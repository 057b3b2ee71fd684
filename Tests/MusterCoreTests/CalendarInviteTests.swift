import Foundation
import MusterCore
import MusterTestSupport
import Testing

@Suite struct CalendarInviteTests {
    @Test func rendersAPublishInviteExactly() {
        let invite = CalendarInvite(
            uid: CalendarInvite.uid(eventID: 42, domain: "example.org"), stamp: Fixture.now,
            start: ISOTime.parseInstant("2026-12-01T18:30:00Z")!, end: ISOTime.parseInstant("2026-12-01T20:00:00Z")!,
            sequence: 2, summary: "AGM; all, welcome", location: "Town Hall\\Room 2",
            description: "Line one\r\nLine two\nLine three", url: "https://example.org/e/42")
        #expect(invite.render() == """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            PRODID:-//muster//muster//EN\r
            CALSCALE:GREGORIAN\r
            METHOD:PUBLISH\r
            BEGIN:VEVENT\r
            UID:event-42@example.org\r
            DTSTAMP:20261123T090000Z\r
            DTSTART:20261201T183000Z\r
            DTEND:20261201T200000Z\r
            SEQUENCE:2\r
            SUMMARY:AGM\\; all\\, welcome\r
            LOCATION:Town Hall\\\\Room 2\r
            DESCRIPTION:Line one\\nLine two\\nLine three\r
            URL:https://example.org/e/42\r
            END:VEVENT\r
            END:VCALENDAR\r

            """)
    }

    @Test func foldsAt75OctetsWithoutSplittingCharacters() {
        let invite = CalendarInvite(uid: "event-1@example.org", stamp: Fixture.now, start: Fixture.now,
                                    summary: String(repeating: "é", count: 100))
        let lines = invite.render().components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        let summary = lines.drop { !$0.hasPrefix("SUMMARY:") }.prefix { $0.hasPrefix("SUMMARY:") || $0.hasPrefix(" ") }
        #expect(summary.count == 3)
        let unfolded = summary.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined()
        #expect(unfolded == "SUMMARY:" + String(repeating: "é", count: 100))
        #expect(lines.contains("DTEND:20261123T100000Z"))
    }
}

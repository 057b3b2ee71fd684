import Foundation
import MusterCore
import Testing

/// An event's times: the venue's clock for a room, with the reader's beside it; the reader's for a call.
@Suite struct VenueTimeTests {
    static let london = TimeZone(identifier: "Europe/London")!
    static func event(_ starts: String, zone: String? = nil, online: Bool = false) -> Event {
        Event(id: 1, kind: "meeting", title: "AGM", startsAt: ISOTime.parseInstant(starts)!, timezone: zone, online: online)
    }
    static func time(_ e: Event, reader: String) -> VenueTime {
        VenueTime(event: e, recipient: TimeZone(identifier: reader)!, organisation: london)
    }

    @Test func aWeymouthRoomReadInKolkataShowsBothClocks() {
        // The case: a Dorset room opening at 16:30 GMT, a rep in Asia/Kolkata (+05:30)
        let t = Self.time(Self.event("2026-12-07T16:30:00Z"), reader: "Asia/Kolkata")
        #expect(t.dateTime(ISOTime.parseInstant("2026-12-07T16:30:00Z")!) == "Monday 7 December, 16:30 (22:00 your time)")
        #expect(t.time(ISOTime.parseInstant("2026-12-07T16:30:00Z")!) == "16:30 (22:00 your time)")
        #expect(t.date(ISOTime.parseInstant("2026-12-07T16:30:00Z")!) == "Monday 7 December")
    }

    @Test func anotherDayForTheReaderNamesTheirDay() {
        let d = ISOTime.parseInstant("2026-12-07T20:00:00Z")!
        #expect(Self.time(Self.event("2026-12-07T20:00:00Z"), reader: "Asia/Kolkata").dateTime(d)
            == "Monday 7 December, 20:00 (Tuesday 8 December, 01:30 your time)")
    }

    @Test func theSameClockAddsNothingAndOnlineIsTheReadersOwn() {
        let d = ISOTime.parseInstant("2026-12-07T17:00:00Z")!
        // Dublin reads the same wall clock as London in December: nothing beside it
        #expect(Self.time(Self.event("2026-12-07T17:00:00Z"), reader: "Europe/Dublin").dateTime(d) == "Monday 7 December, 17:00")
        #expect(Self.time(Self.event("2026-12-07T17:00:00Z", online: true), reader: "America/Chicago").dateTime(d)
            == "Monday 7 December, 11:00")
        // A venue with its own zone is written in it
        #expect(Self.time(Self.event("2026-12-07T17:00:00Z", zone: "Europe/Paris"), reader: "Europe/London").dateTime(d)
            == "Monday 7 December, 18:00 (17:00 your time)")
    }
}

import Foundation
import MusterCore
import Testing

/// PeopleTime's arithmetic against Foundation's calendar, across zones and daylight-saving changes.
@Suite struct PeopleTimeTests {
    func formatter(_ format: String, _ zone: TimeZone) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_GB")
        f.timeZone = zone
        f.calendar = Calendar(identifier: .gregorian)
        f.dateFormat = format
        return f
    }

    @Test(arguments: ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC"])
    func datesTimesAndDayCountsAgreeWithFoundation(zoneID: String) {
        let zone = TimeZone(identifier: zoneID)!
        let people = PeopleTime(timeZone: zone)
        let hhmm = formatter("HH:mm", zone), day = formatter("EEEE d MMMM", zone)
        let withYear = formatter("EEEE d MMMM yyyy, HH:mm", zone)
        let short = formatter("EEE d MMM yyyy HH:mm", zone), shortNoYear = formatter("EEE d MMM HH:mm", zone)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        // Every 97 minutes through 2026, which crosses each zone's changes (where it has them).
        var t = Date(timeIntervalSince1970: 1_767_225_600)
        let end = Date(timeIntervalSince1970: 1_798_761_600)
        var previous = t
        while t < end {
            #expect(people.time(t) == hhmm.string(from: t))
            #expect(people.date(t) == day.string(from: t))
            #expect(people.dateTimeWithYear(t) == withYear.string(from: t))
            #expect(people.abbreviated(t) == short.string(from: t))
            #expect(people.abbreviated(t, year: false) == shortNoYear.string(from: t))
            let expected = cal.dateComponents([.day], from: cal.startOfDay(for: previous), to: cal.startOfDay(for: t)).day!
            #expect(people.daysBetween(previous, t) == expected)
            previous = t.addingTimeInterval(-86_400 * 3)
            t = t.addingTimeInterval(97 * 60)
        }
    }
}

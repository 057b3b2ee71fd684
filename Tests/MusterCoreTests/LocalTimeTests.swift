import Foundation
import MusterCore
import Testing

@Suite struct LocalTimeTests {
    @Test func countsDaysFromTheEpochBothWays() {
        #expect(day("1970-01-01").epochDay == 0)
        #expect(day("2026-03-29").epochDay == 20_541)
        #expect(LocalDay(epochDay: 20_541) == day("2026-03-29"))
        #expect(day("2024-02-28").adding(days: 1) == day("2024-02-29"))
        #expect(day("2026-02-28").adding(days: 1) == day("2026-03-01"))
        #expect(day("2026-12-31").adding(days: 1) == day("2027-01-01"))
        #expect(day("1969-12-31").epochDay == -1)
        for e in stride(from: -1_000, through: 40_000, by: 37) {
            #expect(LocalDay(epochDay: e).epochDay == e)
        }
    }

    @Test func knowsTheDayOfTheWeek() {
        #expect(day("2026-11-30").weekday == 1)  // a Monday
        #expect(day("2026-11-29").weekday == 0)  // a Sunday
        #expect(day("1969-12-28").weekday == 0)
    }

    @Test func placesAnOrdinaryLocalTime() {
        #expect(LocalTime.instant(day("2026-01-15"), TimeOfDay(hour: 9, minute: 0), in: london) == instant("2026-01-15T09:00:00Z"))
        #expect(LocalTime.instant(day("2026-07-15"), TimeOfDay(hour: 9, minute: 0), in: london) == instant("2026-07-15T08:00:00Z"))
        #expect(LocalTime.instant(day("2026-07-15"), TimeOfDay(hour: 9, minute: 0), in: chicago) == instant("2026-07-15T14:00:00Z"))
    }

    @Test func movesATimeInTheSpringGapForwardByTheGap() {
        // Given 01:30 on 2026-03-29 does not exist in London (01:00 GMT jumps to 02:00 BST)
        let t = LocalTime.instant(day("2026-03-29"), TimeOfDay(hour: 1, minute: 30), in: london)
        // Then it is 02:30 BST
        #expect(t == instant("2026-03-29T01:30:00Z"))
        // And in Chicago 02:30 on 2026-03-08 is 03:30 CDT
        #expect(LocalTime.instant(day("2026-03-08"), TimeOfDay(hour: 2, minute: 30), in: chicago) == instant("2026-03-08T08:30:00Z"))
    }

    @Test func takesTheFirstOfADoubledTime() {
        // 01:30 on 2026-10-25 happens twice in London: BST first
        #expect(LocalTime.instant(day("2026-10-25"), TimeOfDay(hour: 1, minute: 30), in: london) == instant("2026-10-25T00:30:00Z"))
        // 01:30 on 2026-11-01 happens twice in Chicago: CDT first
        #expect(LocalTime.instant(day("2026-11-01"), TimeOfDay(hour: 1, minute: 30), in: chicago) == instant("2026-11-01T06:30:00Z"))
    }

    @Test func keepsTimesNextToTheChangeExact() {
        #expect(LocalTime.instant(day("2026-03-29"), TimeOfDay(hour: 0, minute: 59), in: london) == instant("2026-03-29T00:59:00Z"))
        #expect(LocalTime.instant(day("2026-03-29"), TimeOfDay(hour: 2, minute: 0), in: london) == instant("2026-03-29T01:00:00Z"))
        #expect(LocalTime.instant(day("2026-10-25"), TimeOfDay(hour: 2, minute: 0), in: london) == instant("2026-10-25T02:00:00Z"))
        #expect(LocalTime.midnight(day("2026-03-29"), in: london) == instant("2026-03-29T00:00:00Z"))
    }

    @Test func readsTheLocalDayAndTimeOfAnInstant() {
        #expect(LocalTime.day(of: instant("2026-07-15T23:30:00Z"), in: london) == day("2026-07-16"))
        #expect(LocalTime.day(of: instant("2026-07-16T03:30:00Z"), in: chicago) == day("2026-07-15"))
        #expect(LocalTime.label(of: instant("2026-07-15T23:30:00Z"), in: london) == "2026-07-16T00:30")
    }
}

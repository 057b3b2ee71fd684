import Foundation
import MusterCore
import Testing

@Suite struct CronTests {
    /// The Rules page says a cron step in words; shapes it cannot say are quoted as written.
    @Test func aCronExpressionInWords() throws {
        let cases = [
            ("0 7 * * MON", "Mondays at 07:00"),
            ("30 8 * * 1-5", "weekdays at 08:30"),
            ("0 18 * * TUE,THU", "Tuesdays and Thursdays at 18:00"),
            ("0 9 * * SAT,SUN,WED", "Sundays, Wednesdays and Saturdays at 09:00"),
            ("5 9 * * *", "every day at 09:05"),
            ("0 8 * * MON#1", "the first Monday of each month at 08:00"),
            ("0 8 1 * *", "the 1st of each month at 08:00"),
            ("0 8 22 * *", "the 22nd of each month at 08:00"),
            ("0 8 13 * *", "the 13th of each month at 08:00"),
            ("*/15 9-17 * * *", "on the cron schedule '*/15 9-17 * * *'"),
            ("0 8 1 JAN *", "on the cron schedule '0 8 1 JAN *'"),
            ("0 0 1 * MON", "on the cron schedule '0 0 1 * MON'"),
        ]
        for (text, words) in cases { #expect(try Cron(text).words == words, "\(text)") }
    }

    let utc = zone("UTC")

    private func fires(_ cron: String, _ from: String, _ to: String, _ z: TimeZone) throws -> [Date] {
        try Cron(cron).fires(in: instant(from)...instant(to), zone: z).map(\.instant)
    }

    @Test func firesWeeklyOnAMondayMorning() throws {
        let fire = try #require(try Cron("0 7 * * MON").next(after: instant("2026-11-23T09:00:00Z"), in: london))
        #expect(fire.instant == instant("2026-11-30T07:00:00Z"))
        #expect(fire.label == "2026-11-30T07:00")
    }

    @Test func dayHashNFiresOnTheNthSuchDayOfTheMonth() throws {
        // The first Monday of December 2026 is the 7th, of January 2027 the 4th.
        #expect(try fires("0 8 * * MON#1", "2026-11-03T00:00:00Z", "2027-01-31T00:00:00Z", london)
            == [instant("2026-12-07T08:00:00Z"), instant("2027-01-04T08:00:00Z")])
        #expect(try fires("0 8 * * 5#3", "2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z", utc) == [instant("2026-12-18T08:00:00Z")])
        for bad in ["0 8 * * MON#6", "0 8 * * MON#", "0 8 * * MON-FRI#1", "0 8 * * *#1"] {
            #expect(throws: CronError("cron field 5 (day of week): \"\(bad.split(separator: " ")[4])\" must look like MON#1 (a day name or number, '#', and 1 to 5)")) {
                try Cron(bad)
            }
        }
    }

    @Test func readsStepsRangesAndLists() throws {
        #expect(try Cron("*/15 * * * *").next(after: instant("2026-05-01T12:07:00Z"), in: utc)?.instant == instant("2026-05-01T12:15:00Z"))
        #expect(try fires("1-10/2 12 * * *", "2026-05-01T00:00:00Z", "2026-05-01T23:59:00Z", utc)
            == [1, 3, 5, 7, 9].map { instant("2026-05-01T12:0\($0):00Z") })
        #expect(try fires("0 9,17 * * *", "2026-05-01T00:00:00Z", "2026-05-01T23:59:00Z", utc)
            == [instant("2026-05-01T09:00:00Z"), instant("2026-05-01T17:00:00Z")])
        #expect(try fires("55/2 0 * * *", "2026-05-01T00:00:00Z", "2026-05-01T23:59:00Z", utc)
            == [55, 57, 59].map { instant("2026-05-01T00:\($0):00Z") })
    }

    @Test func takesNamesInAnyCaseAndSundayAsZeroOrSeven() throws {
        #expect(try Cron("0 0 1 jan *").next(after: instant("2026-05-01T00:00:00Z"), in: utc)?.instant == instant("2027-01-01T00:00:00Z"))
        let sundays = ["0 0 * * 0", "0 0 * * 7", "0 0 * * sun", "0 0 * * SUN"]
        for text in sundays {
            #expect(try Cron(text).next(after: instant("2026-11-23T00:00:00Z"), in: utc)?.instant == instant("2026-11-29T00:00:00Z"), "\(text)")
        }
        #expect(try fires("0 0 * * MON-FRI", "2026-11-28T00:00:00Z", "2026-12-04T23:00:00Z", utc).count == 5)
        #expect(try fires("0 0 * * 5-7", "2026-11-23T00:00:00Z", "2026-11-29T23:00:00Z", utc)
            == ["27", "28", "29"].map { instant("2026-11-\($0)T00:00:00Z") })
    }

    @Test func skipsMonthsWithoutThe31st() throws {
        let days = try fires("0 0 31 * *", "2026-01-01T00:00:00Z", "2026-12-31T23:00:00Z", utc)
            .map { LocalTime.day(of: $0, in: utc).description }
        #expect(days == ["2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31", "2026-08-31", "2026-10-31", "2026-12-31"])
    }

    @Test func firesOnFebruary29thOnlyInLeapYears() throws {
        #expect(try Cron("0 0 29 2 *").next(after: instant("2026-01-01T00:00:00Z"), in: utc)?.instant == instant("2028-02-29T00:00:00Z"))
        #expect(try Cron("0 0 29 2 *").next(after: instant("2096-03-01T00:00:00Z"), in: utc)?.instant == instant("2104-02-29T00:00:00Z"))
        #expect(try Cron("0 0 30 2 *").next(after: instant("2026-01-01T00:00:00Z"), in: utc) == nil)
    }

    @Test func matchesEitherDayWhenBothDayFieldsAreRestricted() throws {
        // The 1st of December 2026 is a Tuesday; its Mondays are the 7th, 14th, 21st and 28th.
        let days = try fires("0 0 1 * MON", "2026-12-01T00:00:00Z", "2026-12-31T23:00:00Z", utc)
            .map { LocalTime.day(of: $0, in: utc).day }
        #expect(days == [1, 7, 14, 21, 28])
        // With a star in one of them, both must match: odd days that are Fridays.
        let fridays = try fires("0 0 */2 * FRI", "2026-12-01T00:00:00Z", "2026-12-31T23:00:00Z", utc)
            .map { LocalTime.day(of: $0, in: utc).day }
        #expect(fridays == [11, 25])
    }

    @Test func keepsSevenOClockLocalAcrossDaylightSaving() throws {
        #expect(try fires("0 7 * * *", "2026-03-28T00:00:00Z", "2026-03-29T23:00:00Z", london)
            == [instant("2026-03-28T07:00:00Z"), instant("2026-03-29T06:00:00Z")])
        #expect(try fires("0 7 * * *", "2026-10-24T00:00:00Z", "2026-10-25T23:00:00Z", london)
            == [instant("2026-10-24T06:00:00Z"), instant("2026-10-25T07:00:00Z")])
        #expect(try fires("0 7 * * *", "2026-03-07T00:00:00Z", "2026-03-08T23:00:00Z", chicago)
            == [instant("2026-03-07T13:00:00Z"), instant("2026-03-08T12:00:00Z")])
        #expect(try fires("0 7 * * *", "2026-10-31T00:00:00Z", "2026-11-01T23:00:00Z", chicago)
            == [instant("2026-10-31T12:00:00Z"), instant("2026-11-01T13:00:00Z")])
    }

    @Test func movesATimeInTheGapForwardAndFiresItOnce() throws {
        #expect(try fires("30 1 * * *", "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z", london)
            == [instant("2026-03-29T01:30:00Z"), instant("2026-03-30T00:30:00Z")])
        // 01:30 moves to 02:30 BST, which is also a time of its own: once.
        #expect(try fires("30 1,2 * * *", "2026-03-29T00:00:00Z", "2026-03-29T12:00:00Z", london)
            == [instant("2026-03-29T01:30:00Z")])
        #expect(try fires("30 2 * * *", "2026-03-08T00:00:00Z", "2026-03-08T23:00:00Z", chicago)
            == [instant("2026-03-08T08:30:00Z")])
    }

    @Test func firesADoubledTimeOnce() throws {
        #expect(try fires("30 1 * * *", "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z", london)
            == [instant("2026-10-25T00:30:00Z"), instant("2026-10-26T01:30:00Z")])
        // Asked between the two 01:30s, the next is tomorrow's.
        #expect(try Cron("30 1 * * *").next(after: instant("2026-10-25T01:00:00Z"), in: london)?.instant == instant("2026-10-26T01:30:00Z"))
        #expect(try fires("30 1 * * *", "2026-11-01T00:00:00Z", "2026-11-01T23:00:00Z", chicago)
            == [instant("2026-11-01T06:30:00Z")])
        // Every quarter hour through the doubled hour: each local time once.
        #expect(try fires("*/15 0-2 * * *", "2026-10-24T22:00:00Z", "2026-10-25T03:00:00Z", london).count == 12)
    }

    @Test func namesTheFieldAndTheMistake() {
        let cases: [(String, String)] = [
            ("0 7 * * MOX", #"cron field 5 (day of week): "MOX" is not a day name"#),
            ("60 * * * *", "cron field 1 (minute): 60 is out of range 0-59"),
            ("0 24 * * *", "cron field 2 (hour): 24 is out of range 0-23"),
            ("0 0 0 * *", "cron field 3 (day of month): 0 is out of range 1-31"),
            ("0 7 * *", #"cron must have five fields: minute hour day-of-month month day-of-week (got 4 in "0 7 * *")"#),
            ("*/0 * * * *", #"cron field 1 (minute): the step in "*/0" must be a whole number from 1 (got "0")"#),
            ("0 5-1 * * *", #"cron field 2 (hour): the range "5-1" runs backwards (write the lower value first)"#),
            ("0 0 * FOO *", #"cron field 4 (month): "FOO" is not a month name (JAN to DEC) or number (1 to 12)"#),
            ("0 0 x * *", #"cron field 3 (day of month): "x" is not a number"#),
            ("1,,2 * * * *", #"cron field 1 (minute): "1,,2" has an empty item in its list"#),
            ("1/2/3 * * * *", #"cron field 1 (minute): "1/2/3" has more than one '/'"#),
        ]
        for (text, message) in cases {
            #expect(throws: CronError(message), "\(text)") { try Cron(text) }
        }
    }
}

// Dates and times written for people, in British English and the recipient's own zone.
import Foundation

/// Writes instants as people read them: `Tuesday 2 December, 18:30`.
///
/// The English names are spelled here rather than taken from a locale, so that the output is the same
/// on every machine (and fast: the delivery path renders hundreds of thousands of messages).
public struct PeopleTime: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]
    public static let shortWeekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    public static let shortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Tuesday 2 December 2026, 18:30`: a link's page saying when something was recorded.
    public func dateTimeWithYear(_ d: Date) -> String {
        "\(date(d)) \(localDay(d).year), \(time(d))"
    }

    /// `Wed 25 Nov 2026 17:30`, or `Wed 25 Nov 17:30` without the year: how the commands print an instant.
    public func abbreviated(_ d: Date, year: Bool = true) -> String {
        let day = localDay(d)
        let head = "\(Self.shortWeekdays[day.weekday]) \(day.day) \(Self.shortMonths[day.month - 1])"
        return year ? "\(head) \(day.year) \(time(d))" : "\(head) \(time(d))"
    }

    /// `Tuesday 2 December, 18:30`
    public func dateTime(_ d: Date) -> String { "\(date(d)), \(time(d))" }

    /// `Tuesday 2 December`
    public func date(_ d: Date) -> String {
        let day = localDay(d)
        return "\(Self.weekdays[day.weekday]) \(day.day) \(Self.months[day.month - 1])"
    }

    /// `18:30`
    public func time(_ d: Date) -> String {
        let m = LocalTime.minuteOfDay(of: d, in: timeZone)
        let h = m / 60, mm = m % 60
        return (h < 10 ? "0\(h)" : "\(h)") + (mm < 10 ? ":0\(mm)" : ":\(mm)")
    }

    /// A calendar day with its year, for days long past or far ahead: `2 December 2025`.
    public static func day(_ day: LocalDay) -> String {
        "\(day.day) \(months[day.month - 1]) \(day.year)"
    }

    /// The recipient's calendar day of an instant.
    public func localDay(_ d: Date) -> LocalDay {
        LocalTime.day(of: d, in: timeZone)
    }

    /// Whole calendar days from `now`'s day to `later`'s day in this zone (0 when the same day, never negative).
    public func daysBetween(_ now: Date, _ later: Date) -> Int {
        LocalTime.daysBetween(now, later, in: timeZone)
    }
}

// Dates and times written for people, in British English and the recipient's own zone.
import Foundation
import MusterCore

/// Writes instants as people read them: `Tuesday 2 December, 18:30`.
///
/// The English names are spelled here rather than taken from a locale, so that the output is the same
/// on every machine (and fast: the delivery path renders hundreds of thousands of messages).
public struct PeopleTime: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        self.calendar = c
    }

    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    /// `Tuesday 2 December, 18:30`
    public func dateTime(_ d: Date) -> String { "\(date(d)), \(time(d))" }

    /// `Tuesday 2 December`
    public func date(_ d: Date) -> String {
        let c = calendar.dateComponents([.weekday, .day, .month], from: d)
        return "\(Self.weekdays[(c.weekday ?? 1) - 1]) \(c.day ?? 1) \(Self.months[(c.month ?? 1) - 1])"
    }

    /// `18:30`
    public func time(_ d: Date) -> String {
        let c = calendar.dateComponents([.hour, .minute], from: d)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// A calendar day with its year, for days long past or far ahead: `2 December 2025`.
    public static func day(_ day: LocalDay) -> String {
        "\(day.day) \(months[day.month - 1]) \(day.year)"
    }

    /// The recipient's calendar day of an instant.
    public func localDay(_ d: Date) -> LocalDay {
        let c = calendar.dateComponents([.year, .month, .day], from: d)
        return LocalDay(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
    }

    /// Whole calendar days from `now`'s day to `later`'s day in this zone (0 when the same day, never negative).
    public func daysBetween(_ now: Date, _ later: Date) -> Int {
        let a = calendar.startOfDay(for: now), b = calendar.startOfDay(for: later)
        let n = calendar.dateComponents([.day], from: a, to: b).day ?? 0
        return max(0, n)
    }
}

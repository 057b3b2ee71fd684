// ISO 8601 instants and calendar dates as DESIGN.md writes them.
import Foundation

/// Parsing and writing of `2026-11-23T09:00:00Z`, `2026-11-23T09:00:00+01:00` and `2026-11-23`.
public enum ISOTime {
    /// Parses an instant with `Z` or an offset, with or without fractional seconds.
    /// Returns nil for anything else (a bare date, a local time with no zone).
    public static func parseInstant(_ text: String) -> Date? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: s) { return d }
        let frac = ISO8601DateFormatter()
        frac.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return frac.date(from: s)
    }

    /// Writes an instant in UTC, whole seconds: `2026-11-23T09:00:00Z`. Builds no formatter: the
    /// outbox and imports write several per row, hundreds of thousands at a time.
    public static func format(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        var days = total / 86_400
        var rest = total % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let d = LocalDay(epochDay: days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        let y = String(d.year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + two(d.month) + "-" + two(d.day) + "T"
            + two(rest / 3600) + ":" + two(rest / 60 % 60) + ":" + two(rest % 60) + "Z"
    }

    /// A valid `YYYY-MM-DD` calendar date, or nil.
    public static func parseDay(_ text: String) -> LocalDay? {
        LocalDay(text)
    }
}

/// A calendar day with no time zone (`YYYY-MM-DD`).
public struct LocalDay: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year; self.month = month; self.day = day
    }

    /// Parses `YYYY-MM-DD`, refusing impossible dates such as `2026-02-30`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= LocalDay.daysIn(month: m, year: y)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        default: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        }
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (a: LocalDay, b: LocalDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

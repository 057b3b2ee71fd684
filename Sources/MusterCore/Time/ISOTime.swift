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

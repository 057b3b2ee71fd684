// Fast checks and conversions of single CSV values: instants, emails, flags, numbers.
import Foundation
import MusterCore

/// Value parsing for imports, written to cost microseconds a row (no formatter is made per value).
enum ImportValues {
    /// Parses `2026-11-23T09:00:00Z`, `2026-11-23T09:00:00.5+01:00`, `...+0100`: what `ISOTime.parseInstant`
    /// reads, without building a formatter, and stricter: an impossible date (`2026-02-30`) is refused,
    /// where Foundation's formatter rolls it over into March.
    static func parseInstant(_ text: String) -> Date? {
        var s = text
        return s.withUTF8 { p -> Date? in
            let n = p.count
            guard n >= 20 else { return nil }
            func digits(_ at: Int, _ count: Int) -> Int? {
                var v = 0
                for i in at..<(at + count) {
                    let c = p[i]
                    guard c >= 48 && c <= 57 else { return nil }
                    v = v * 10 + Int(c - 48)
                }
                return v
            }
            guard let y = digits(0, 4), p[4] == 45, let mo = digits(5, 2), p[7] == 45, let d = digits(8, 2),
                  p[10] == 84 || p[10] == 116, let h = digits(11, 2), p[13] == 58, let mi = digits(14, 2),
                  p[16] == 58, let sec = digits(17, 2),
                  (1...12).contains(mo), d >= 1, d <= LocalDay.daysIn(month: mo, year: y),
                  h <= 23, mi <= 59, sec <= 59
            else { return nil }
            var i = 19
            var fraction = 0.0
            if p[i] == 46 {  // '.'
                i += 1
                var scale = 0.1
                let start = i
                while i < n, p[i] >= 48, p[i] <= 57 { fraction += Double(p[i] - 48) * scale; scale /= 10; i += 1 }
                guard i > start else { return nil }
            }
            guard i < n else { return nil }
            var offset = 0
            if p[i] == 90 || p[i] == 122 {  // Z
                i += 1
            } else if p[i] == 43 || p[i] == 45 {  // + or -
                let sign = p[i] == 43 ? 1 : -1
                let colon = i + 6 == n && p[i + 3] == 58
                guard colon || i + 5 == n, let oh = digits(i + 1, 2), let om = digits(colon ? i + 4 : i + 3, 2),
                      oh <= 23, om <= 59
                else { return nil }
                offset = sign * (oh * 3600 + om * 60)
                i = n
            } else {
                return nil
            }
            guard i == n else { return nil }
            let days = daysFromCivil(year: y, month: mo, day: d)
            let seconds = days * 86_400 + h * 3600 + mi * 60 + sec - offset
            return Date(timeIntervalSince1970: Double(seconds) + fraction)
        }
    }

    /// Writes an instant in UTC, whole seconds: `2026-11-23T09:00:00Z`.
    static func formatInstant(_ date: Date) -> String { ISOTime.format(date) }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        LocalDay(year: year, month: month, day: day).epochDay
    }

    /// The calendar date `days` after 1970-01-01.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let d = LocalDay(epochDay: days)
        return (d.year, d.month, d.day)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// A plausible address: one `@`, a local part, a dotted domain, no spaces or control characters.
    /// Returns it with the domain lower-cased, or nil.
    static func normalizedEmail(_ text: String) -> String? {
        // What the transport can put in an envelope (printable ASCII: no SMTPUTF8), and a dotted domain.
        guard MailAddress.isPlausible(text) else { return nil }
        let utf8 = text.utf8
        guard let at = utf8.firstIndex(of: UInt8(ascii: "@")) else { return nil }
        let local = utf8[..<at]
        let domain = utf8[utf8.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty, !domain.contains(UInt8(ascii: "@")),
              !utf8.contains(where: { $0 <= 32 || $0 == 127 || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "<")
                  || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: ";") })
        else { return nil }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.first != UInt8(ascii: "-") && $0.last != UInt8(ascii: "-") })
        else { return nil }
        let domainText = String(decoding: domain, as: UTF8.self)
        return String(decoding: local, as: UTF8.self) + "@" + domainText.lowercased()
    }

    /// `0/1/true/false/yes/no` (any case) as 0 or 1.
    static func flag(_ text: String) -> Int64? {
        switch text.lowercased() {
        case "0", "false", "no": return 0
        case "1", "true", "yes": return 1
        default: return nil
        }
    }

    /// Trims spaces, tabs and line breaks from both ends, cheaply when there are none.
    static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        if first > 32 && last > 32 { return s }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

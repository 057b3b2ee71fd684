// Fast reading and writing of the outbox's `YYYY-MM-DDTHH:MM:SSZ` timestamps.
import Foundation
import MusterCore

/// The same text as `ISOTime.format` (whole seconds, UTC, `Z`), without building a formatter per
/// call: the outbox writes several per message, tens of thousands at a time.
enum OutboxTime {
    static func format(_ date: Date) -> String { ISOTime.format(date) }

    /// Reads what `format` writes; anything else goes through `ISOTime.parseInstant`.
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A
        else { return ISOTime.parseInstant(text) }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r { guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }; v = v * 10 + Int64(b[i] - 0x30) }
            return v
        }
        guard let y0 = num(0..<4), let m = num(5..<7), let d = num(8..<10), let h = num(11..<13),
              let mi = num(14..<16), let s = num(17..<19) else { return ISOTime.parseInstant(text) }
        // Howard Hinnant's days_from_civil.
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + h * 3600 + mi * 60 + s))
    }
}

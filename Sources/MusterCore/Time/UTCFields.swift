// A UTC instant as calendar fields, by arithmetic: every message's Date header and invite use it.
import Foundation

/// The UTC day, hour, minute and second of an instant (fractions of a second dropped), computed
/// without Foundation's `Calendar`, which costs microseconds a call on Linux.
struct UTCFields {
    var day: LocalDay
    var hour: Int
    var minute: Int
    var second: Int

    init(_ date: Date) {
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        let days = t >= 0 ? t / 86_400 : -((-t + 86_399) / 86_400)
        let s = t - days * 86_400
        day = LocalDay(epochDay: days)
        hour = s / 3_600
        minute = s % 3_600 / 60
        second = s % 60
    }

    /// `n` in `width` digits, zero-padded.
    static func digits(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

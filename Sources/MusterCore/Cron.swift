// Five-field cron expressions (`0 7 * * MON`) and their firing instants in a time zone.
import Foundation

/// A five-field cron expression: minute, hour, day of month, month, day of week.
///
/// Each field takes `*`, numbers, ranges (`1-5`), lists (`1,15`), steps (`*/15`, `1-10/2`, `5/10`),
/// month names `JAN`..`DEC` and day names `SUN`..`SAT` (any case); 0 and 7 are both Sunday.
/// As in Vixie cron, when both the day of month and the day of week are restricted (neither starts
/// with `*`), a day matches if EITHER matches: `0 0 1 * MON` fires on the 1st and on every Monday.
/// The day of week may also be `DAY#N`, the Nth such day of the month (N from 1 to 5):
/// `0 8 * * MON#1` fires on the first Monday of each month.
///
/// Times are wall-clock times in the zone given to `fires(in:zone:)`: a job at 07:00 is at 07:00
/// local all year. A local time that does not exist (spring forward) fires at the same time shifted
/// forward by the gap; a local time that happens twice (fall back) fires once, the first time.
public struct Cron: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    let daysOfWeek: UInt64
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    /// For `DAY#N`: N, the day's week of the month; 0 otherwise.
    let nthWeekday: Int

    public var description: String { text }

    /// The expression in words for the organiser, for the shapes schedules use: "Mondays at 07:00",
    /// "weekdays at 08:30", "every day at 09:00", "the first Monday of each month at 08:00", "the 1st
    /// of each month at 08:00". Any other shape is named as it is written: "on the cron schedule
    /// '*/15 9-17 * * *'".
    public var words: String {
        func single(_ mask: UInt64) -> Int? { mask.nonzeroBitCount == 1 ? mask.trailingZeroBitCount : nil }
        let everyMonth: UInt64 = 0b1_1111_1111_1110   // bits 1...12
        guard let minute = single(minutes), let hour = single(hours), months == everyMonth else {
            return "on the cron schedule '\(text)'"
        }
        let at = "at " + (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
        let names = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (false, false):
            return "every day \(at)"
        case (false, true):
            if nthWeekday > 0, let day = single(daysOfWeek) {
                let nth = ["first", "second", "third", "fourth", "fifth"][nthWeekday - 1]
                return "the \(nth) \(names[day]) of each month \(at)"
            }
            if daysOfWeek == 0b011_1110 { return "weekdays \(at)" }
            let days = (0..<7).filter { daysOfWeek & (1 << UInt64($0)) != 0 }.map { names[$0] + "s" }
            let list = days.count > 1 ? days.dropLast().joined(separator: ", ") + " and " + days[days.count - 1] : days.joined()
            return "\(list) \(at)"
        case (true, false):
            guard let day = single(daysOfMonth) else { return "on the cron schedule '\(text)'" }
            let suffix = (11...13).contains(day % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][day % 10] ?? "th"
            return "the \(day)\(suffix) of each month \(at)"
        case (true, true):
            return "on the cron schedule '\(text)'"
        }
    }

    /// Parses `text`; the error names the field and what is wrong, e.g.
    /// `cron field 5 (day of week): "MOX" is not a day name`.
    public init(_ text: String) throws(CronError) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronError(
                "cron must have five fields: minute hour day-of-month month day-of-week (got \(fields.count) in \"\(text)\")")
        }
        self.text = text
        minutes = try CronField.minute.parse(fields[0])
        hours = try CronField.hour.parse(fields[1])
        daysOfMonth = try CronField.dayOfMonth.parse(fields[2])
        months = try CronField.month.parse(fields[3])
        var dayField = fields[4]
        var nth = 0
        if let hash = dayField.firstIndex(of: "#") {
            guard let n = Int(dayField[dayField.index(after: hash)...]), (1...5).contains(n),
                  !dayField[..<hash].contains(where: { ",-/*".contains($0) })
            else {
                throw CronError("cron field 5 (day of week): \"\(dayField)\" must look like MON#1 (a day name or number, '#', and 1 to 5)")
            }
            nth = n
            dayField = String(dayField[..<hash])
        }
        nthWeekday = nth
        var dow = try CronField.dayOfWeek.parse(dayField)
        if dow & (1 << 7) != 0 { dow = (dow & ~(1 << 7)) | 1 }  // 7 is Sunday too
        daysOfWeek = dow
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
    }

    /// Whether the expression fires at some time on `day`.
    public func matches(_ day: LocalDay) -> Bool {
        guard months & (1 << UInt64(day.month)) != 0 else { return false }
        let dom = daysOfMonth & (1 << UInt64(day.day)) != 0
        let dow = daysOfWeek & (1 << UInt64(day.weekday)) != 0 && (nthWeekday == 0 || (day.day - 1) / 7 + 1 == nthWeekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return dom || dow }
        return dom && dow
    }

    /// The firings on `day` in `zone`, in time order, one per instant.
    public func fires(on day: LocalDay, in zone: TimeZone) -> [CronFire] {
        guard matches(day) else { return [] }
        let e = day.epochDay
        let start = TimeInterval(e) * 86_400
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: start - 50_400))
        let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: start + 86_400 + 50_400))
        var result: [CronFire] = []
        for h in 0..<24 where hours & (1 << UInt64(h)) != 0 {
            for m in 0..<60 where minutes & (1 << UInt64(m)) != 0 {
                let instant = before == after
                    ? Date(timeIntervalSince1970: start + TimeInterval(h * 3_600 + m * 60 - before))
                    : LocalTime.instant(epochDay: e, minuteOfDay: h * 60 + m, in: zone)
                result.append(CronFire(instant: instant, day: day, time: TimeOfDay(hour: h, minute: m)))
            }
        }
        if before != after {
            // A change of offset today: shifted times can land out of order or on the same instant.
            result.sort { ($0.instant, $0.time) < ($1.instant, $1.time) }
            var seen = Set<Date>()
            result = result.filter { seen.insert($0.instant).inserted }
        }
        return result
    }

    /// Every firing in `range` (both ends included) in `zone`, in time order.
    public func fires(in range: ClosedRange<Date>, zone: TimeZone) -> [CronFire] {
        let first = LocalTime.epochDay(of: range.lowerBound, in: zone) - 1
        let last = LocalTime.epochDay(of: range.upperBound, in: zone) + 1
        guard first <= last else { return [] }
        var result: [CronFire] = []
        for e in first...last {
            result += fires(on: LocalDay(epochDay: e), in: zone).filter { range.contains($0.instant) }
        }
        return result
    }

    /// The first firing strictly after `date` in `zone`, or nil if there is none in the next
    /// nine years (`0 0 30 2 *` never fires).
    public func next(after date: Date, in zone: TimeZone) -> CronFire? {
        let first = LocalTime.epochDay(of: date, in: zone) - 1
        for e in first...(first + 366 * 9) {
            if let fire = fires(on: LocalDay(epochDay: e), in: zone).first(where: { $0.instant > date }) {
                return fire
            }
        }
        return nil
    }
}

/// One firing of a cron expression: the instant, and the local day and time that named it.
public struct CronFire: Sendable, Hashable {
    public var instant: Date
    public var day: LocalDay
    public var time: TimeOfDay

    /// The local cron time as written in occurrence keys: `2026-11-30T07:00`.
    public var label: String { "\(day)T\(time)" }
}

/// A cron expression that cannot be read, with the field and the reason.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The five fields, their ranges and names.
enum CronField: Int {
    case minute = 1, hour, dayOfMonth, month, dayOfWeek

    var name: String {
        switch self {
        case .minute: return "minute"
        case .hour: return "hour"
        case .dayOfMonth: return "day of month"
        case .month: return "month"
        case .dayOfWeek: return "day of week"
        }
    }

    var bounds: ClosedRange<Int> {
        switch self {
        case .minute: return 0...59
        case .hour: return 0...23
        case .dayOfMonth: return 1...31
        case .month: return 1...12
        case .dayOfWeek: return 0...7
        }
    }

    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    private func fail(_ what: String) -> CronError {
        CronError("cron field \(rawValue) (\(name)): \(what)")
    }

    /// The set of values the field allows, as bits.
    func parse(_ text: String) throws(CronError) -> UInt64 {
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else { throw fail("\"\(text)\" has an empty item in its list") }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2 else { throw fail("\"\(item)\" has more than one '/'") }
            var step = 1
            if parts.count == 2 {
                guard let s = Int(parts[1]), s >= 1, parts[1].allSatisfy(\.isASCII) else {
                    throw fail("the step in \"\(item)\" must be a whole number from 1 (got \"\(parts[1])\")")
                }
                step = s
            }
            let base = parts[0]
            let low: Int, high: Int
            if base == "*" {
                low = bounds.lowerBound; high = self == .dayOfWeek ? 6 : bounds.upperBound
            } else if let dash = base.firstIndex(of: "-") {
                low = try value(String(base[..<dash]))
                high = try value(String(base[base.index(after: dash)...]))
                guard low <= high else { throw fail("the range \"\(base)\" runs backwards (write the lower value first)") }
            } else {
                low = try value(base)
                high = parts.count == 2 ? (self == .dayOfWeek ? 6 : bounds.upperBound) : low
            }
            for v in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(v) }
        }
        return bits
    }

    private func value(_ text: String) throws(CronError) -> Int {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let n = Int(text), bounds.contains(n) else {
                throw fail("\(text) is out of range \(bounds.lowerBound)-\(bounds.upperBound)")
            }
            return n
        }
        switch self {
        case .month:
            guard let i = Self.monthNames.firstIndex(of: text.uppercased()) else {
                throw fail("\"\(text)\" is not a month name (JAN to DEC) or number (1 to 12)")
            }
            return i + 1
        case .dayOfWeek:
            guard let i = Self.dayNames.firstIndex(of: text.uppercased()) else {
                throw fail("\"\(text)\" is not a day name")
            }
            return i
        default:
            throw fail("\"\(text)\" is not a number")
        }
    }
}

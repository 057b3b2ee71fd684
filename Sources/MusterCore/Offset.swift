// Offsets (`0d`, `7d`, `2w`, `36h`, `90m`) and local times of day (`09:00`) as schedule steps write them.
import Foundation

/// A length of time in a schedule step: `7d`, `2w`, `36h` or `90m`.
///
/// Whole days and weeks are counted on the recipient's calendar (so `7d` after a date is the same
/// local time a week later, across daylight-saving changes); hours and minutes are exact seconds.
public struct Offset: Sendable, Hashable, CustomStringConvertible {
    public enum Unit: String, Sendable, Hashable { case weeks = "w", days = "d", hours = "h", minutes = "m" }

    public var amount: Int
    public var unit: Unit

    public init(_ amount: Int, _ unit: Unit) {
        self.amount = amount; self.unit = unit
    }

    public static func days(_ n: Int) -> Offset { Offset(n, .days) }
    public static func hours(_ n: Int) -> Offset { Offset(n, .hours) }

    /// Parses `7d`, `2w`, `36h`, `90m`; nil for anything else (`7 days`, `-1d`, `1.5d`).
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let last = t.last, let unit = Unit(rawValue: String(last).lowercased()) else { return nil }
        let digits = t.dropLast()
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let n = Int(digits) else { return nil }
        self.init(n, unit)
    }

    /// Whole calendar days (`2w` is 14), or nil for an offset in hours or minutes.
    public var wholeDays: Int? {
        switch unit {
        case .weeks: return amount * 7
        case .days: return amount
        case .hours, .minutes: return nil
        }
    }

    /// The offset as exact seconds (a day counted as 86,400 s).
    public var seconds: TimeInterval {
        switch unit {
        case .weeks: return TimeInterval(amount) * 7 * 86_400
        case .days: return TimeInterval(amount) * 86_400
        case .hours: return TimeInterval(amount) * 3_600
        case .minutes: return TimeInterval(amount) * 60
        }
    }

    public var description: String { "\(amount)\(unit.rawValue)" }
}

/// A recipient-local time of day, `HH:MM` (24-hour).
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int

    public init(hour: Int, minute: Int) {
        self.hour = hour; self.minute = minute
    }

    /// Parses `09:00`, `9:00` or `17:30`; nil for `9am`, `24:00`, `09:60`.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m)
        else { return nil }
        self.init(hour: h, minute: m)
    }

    /// Minutes since midnight.
    public var minuteOfDay: Int { hour * 60 + minute }

    public var description: String { String(format: "%02d:%02d", hour, minute) }

    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.minuteOfDay < b.minuteOfDay }
}

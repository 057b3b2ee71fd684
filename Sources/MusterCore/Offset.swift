// Offsets (`0d`, `7d`, `2w`, `36h`, `90m`) as schedule steps write them.
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

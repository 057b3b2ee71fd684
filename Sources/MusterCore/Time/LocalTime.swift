// Local wall-clock time in a zone to instants and back, right across daylight-saving changes.
import Foundation

/// Turning "this local day at this local time in this zone" into an instant, and back.
///
/// The two daylight-saving cases (FIELD-NOTES "Time") are decided once, here:
/// - a local time that does not exist (spring forward) moves forward by the gap: 01:30 on
///   2026-03-29 in Europe/London is 02:30 BST (00:30 would be GMT, which no longer applies);
/// - a local time that happens twice (fall back) is the first of the two: 01:30 on 2026-10-25 in
///   Europe/London is 01:30 BST.
///
/// Callers key occurrences by local date so a doubled time can only be planned once.
public enum LocalTime {
    /// The instant at which the wall clock in `zone` shows `time` on `day`.
    public static func instant(_ day: LocalDay, _ time: TimeOfDay, in zone: TimeZone) -> Date {
        instant(epochDay: day.epochDay, minuteOfDay: time.minuteOfDay, in: zone)
    }

    /// The instant at which `day` begins in `zone` (00:00, or the first moment after a gap at midnight).
    public static func midnight(_ day: LocalDay, in zone: TimeZone) -> Date {
        instant(epochDay: day.epochDay, minuteOfDay: 0, in: zone)
    }

    /// As `instant(_:_:in:)`, for a day counted from 1970-01-01 and a minute counted from midnight.
    public static func instant(epochDay: Int, minuteOfDay: Int, in zone: TimeZone) -> Date {
        // The wall-clock reading as if it were UTC; the true instant is within 14 hours of it.
        let t = TimeInterval(epochDay) * 86_400 + TimeInterval(minuteOfDay) * 60
        let before = offset(zone, t - 86_400)
        let after = offset(zone, t + 86_400)
        if before == after { return Date(timeIntervalSince1970: t - before) }
        let u1 = t - before, u2 = t - after
        let valid1 = offset(zone, u1) == before
        let valid2 = offset(zone, u2) == after
        switch (valid1, valid2) {
        case (true, true): return Date(timeIntervalSince1970: min(u1, u2))  // doubled: the first
        case (true, false): return Date(timeIntervalSince1970: u1)
        case (false, true): return Date(timeIntervalSince1970: u2)
        case (false, false): return Date(timeIntervalSince1970: u1)  // gap: read with the old offset, i.e. moved forward
        }
    }

    /// The local calendar day in `zone` at `date`.
    public static func day(of date: Date, in zone: TimeZone) -> LocalDay {
        LocalDay(epochDay: epochDay(of: date, in: zone))
    }

    /// The local day in `zone` at `date`, counted from 1970-01-01.
    public static func epochDay(of date: Date, in zone: TimeZone) -> Int {
        let local = date.timeIntervalSince1970 + offset(zone, date.timeIntervalSince1970)
        return Int((local / 86_400).rounded(.down))
    }

    /// Whole calendar days from `now`'s day to `later`'s day in `zone` (0 on the same day, never negative):
    /// how many days a ballot has left.
    public static func daysBetween(_ now: Date, _ later: Date, in zone: TimeZone) -> Int {
        max(0, epochDay(of: later, in: zone) - epochDay(of: now, in: zone))
    }

    /// The local minute of the day in `zone` at `date` (0...1439).
    public static func minuteOfDay(of date: Date, in zone: TimeZone) -> Int {
        let local = date.timeIntervalSince1970 + offset(zone, date.timeIntervalSince1970)
        let secondOfDay = local - (local / 86_400).rounded(.down) * 86_400
        return Int(secondOfDay / 60)
    }

    /// `YYYY-MM-DDTHH:MM` in `zone`, the way a repetition is named.
    public static func label(of date: Date, in zone: TimeZone) -> String {
        let m = minuteOfDay(of: date, in: zone)
        return "\(day(of: date, in: zone))T\(TimeOfDay(hour: m / 60, minute: m % 60))"
    }

    private static func offset(_ zone: TimeZone, _ t: TimeInterval) -> TimeInterval {
        TimeInterval(zone.secondsFromGMT(for: Date(timeIntervalSince1970: t)))
    }
}

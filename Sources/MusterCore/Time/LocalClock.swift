// A per-pass cache of local-time computations, so half a million members cost a few hundred lookups.
import Foundation

/// Local days and times in the zones of one `ZoneTable`, cached per (zone, day, minute).
/// Lives for one planning pass; not shared between threads.
final class LocalClock {
    private struct Key: Hashable {
        var zone: Int32
        var day: Int32
        var minute: Int16
    }

    let zones: ZoneTable
    private var instants: [Key: Date] = [:]

    init(zones: ZoneTable) {
        self.zones = zones
    }

    /// The instant the wall clock in zone `zone` shows `minute` past midnight on `epochDay`.
    func instant(zone: Int32, epochDay: Int, minute: Int) -> Date {
        let key = Key(zone: zone, day: Int32(truncatingIfNeeded: epochDay), minute: Int16(minute))
        if let d = instants[key] { return d }
        let d = LocalTime.instant(epochDay: epochDay, minuteOfDay: minute, in: zones[zone])
        instants[key] = d
        return d
    }

    func epochDay(of date: Date, zone: Int32) -> Int {
        LocalTime.epochDay(of: date, in: zones[zone])
    }

    /// What a step counts from.
    enum Anchor {
        /// A local calendar day (its midnight), as days since 1970-01-01.
        case day(Int)
        case instant(Date)
    }

    /// The due instant of a step `sign * offset` from `anchor`, at `at` if given, in zone `zone`.
    ///
    /// With `at`: that local time on the local day the offset lands on (whole days count calendar
    /// days). Without: the anchor plus the offset exactly (a day anchor's offset in whole days lands
    /// on that day's local midnight).
    func due(from anchor: Anchor, _ sign: Int, _ offset: Offset, at: TimeOfDay?, zone: Int32) -> Date {
        let seconds = offset.seconds * TimeInterval(sign)
        switch (anchor, offset.wholeDays, at) {
        case let (.day(d), days?, at):
            return instant(zone: zone, epochDay: d + sign * days, minute: at?.minuteOfDay ?? 0)
        case let (.day(d), nil, at?):
            let landing = instant(zone: zone, epochDay: d, minute: 0).addingTimeInterval(seconds)
            return instant(zone: zone, epochDay: epochDay(of: landing, zone: zone), minute: at.minuteOfDay)
        case let (.day(d), nil, nil):
            return instant(zone: zone, epochDay: d, minute: 0).addingTimeInterval(seconds)
        case let (.instant(t), days?, at?):
            return instant(zone: zone, epochDay: epochDay(of: t, zone: zone) + sign * days, minute: at.minuteOfDay)
        case let (.instant(t), nil, at?):
            let landing = t.addingTimeInterval(seconds)
            return instant(zone: zone, epochDay: epochDay(of: landing, zone: zone), minute: at.minuteOfDay)
        case let (.instant(t), _, nil):
            return t.addingTimeInterval(seconds)
        }
    }
}

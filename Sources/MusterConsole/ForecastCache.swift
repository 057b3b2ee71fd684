// The forecast the Today and Rules pages show, planned once and kept for a minute.
import Foundation
import MusterCore
import MusterDaemon
import MusterStore
import NIOConcurrencyHelpers

/// The console's forecasts (`District.dailyForecast`), each planned at most once a minute.
///
/// A forecast is a planning pass over the whole district (as `muster plan` does): about a tenth of a
/// second of CPU at 20,000 members in a release build, more with member limits. Planned afresh for
/// every page view, an organiser's reloads (or a scraper, or `wrk`) take that CPU from the delivery
/// running beside it. So a forecast is kept while all of these hold, and planned again at once when
/// any does not:
/// - it is less than `maxAge` old, and the clock has not gone back;
/// - it is the same local day;
/// - the district is the same (`LiveDistrict`'s generation: a SIGHUP reload brings new rules);
/// - the district's data has not changed since (the change log's latest entry: an import, an edit
///   of members, events, ballots, workplaces or registrations).
/// What the pages read beside it (the outbox, pauses, failures) is read afresh for every view.
public final class ForecastCache: Sendable {
    public static let maxAge: TimeInterval = 60

    struct Key: Hashable {
        var generation: Int
        var changes: Int64
        var day: LocalDay
        var days: Int
        var limits: Bool
    }

    /// A forecast and the instant it was planned at.
    public struct Planned: Sendable {
        public var forecast: DailyForecast
        public var at: Date
    }

    private let entries = NIOLockedValueBox<[Key: Planned]>([:])

    public init() {}

    /// The forecast of `district` (reload `generation`) from `now` for `days` days, planned now or
    /// within the last minute.
    public func forecast(_ district: District, generation: Int, now: Date, days: Int, limits: Bool) throws -> Planned {
        let key = Key(generation: generation, changes: try ChangeLog.latest(in: district.store),
                      day: LocalTime.day(of: now, in: district.config.organisation.timeZone), days: days, limits: limits)
        if let kept = entries.withLockedValue({ $0[key] }), kept.at <= now, now.timeIntervalSince(kept.at) < Self.maxAge {
            return kept
        }
        let planned = Planned(forecast: try district.dailyForecast(now: now, days: days, limits: limits), at: now)
        entries.withLockedValue { entries in
            // Only the newest of each kind is worth keeping: older keys can never match again.
            entries = entries.filter { $0.key.days != days || $0.key.limits != limits }
            entries[key] = planned
        }
        return planned
    }
}

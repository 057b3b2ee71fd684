// The console's forecast cache: planned once a minute, again at once when the data or the rules change.
import Foundation
import MusterConsole
import MusterCore
import MusterDaemon
import MusterStore
import Testing

@Suite struct ForecastCacheTests {
    /// Given a district with one member due a welcome and the change log installed (as `muster run` has it),
    /// when the console asks for the forecast again and again,
    /// then it is planned once while nothing changes, again when a member is added (an import's
    /// trigger), again after a minute, and again for a reloaded district (a new generation).
    @Test func aForecastIsKeptForAMinuteUnlessTheDataOrTheRulesChange() async throws {
        let d = try await DaemonDistrict.make(transport: "file:outbox/")
        try await d.sql("""
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on)
            VALUES (1, 'N1', 'Ann', 'ann@example.org', 'active', '2026-11-23');
            """)
        let district = try District.load(config: try Config.load(path: d.config))
        _ = try ChangeLog.installed(in: district.store)
        let cache = ForecastCache()
        let t0 = instant("2026-11-23T10:00:00Z")
        func welcomes(_ p: ForecastCache.Planned) -> Int { p.forecast.counts.values.compactMap { $0["welcome"] }.reduce(0, +) }

        let first = try cache.forecast(district, generation: 0, now: t0, days: 7, limits: false)
        #expect(first.at == t0 && welcomes(first) == 1)
        // Thirty seconds on, nothing changed: the same plan.
        let kept = try cache.forecast(district, generation: 0, now: t0.addingTimeInterval(30), days: 7, limits: false)
        #expect(kept.at == t0)

        // Another program adds a member: planned again at once, and the new member counts.
        try await d.sql("""
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on)
            VALUES (2, 'N2', 'Bob', 'bob@example.org', 'active', '2026-11-23');
            """)
        let changed = try cache.forecast(district, generation: 0, now: t0.addingTimeInterval(31), days: 7, limits: false)
        #expect(changed.at == t0.addingTimeInterval(31) && welcomes(changed) == 2)

        // A minute after it was planned: planned again. A clock gone back: planned again.
        let later = try cache.forecast(district, generation: 0, now: t0.addingTimeInterval(92), days: 7, limits: false)
        #expect(later.at == t0.addingTimeInterval(92))
        let back = try cache.forecast(district, generation: 0, now: t0.addingTimeInterval(10), days: 7, limits: false)
        #expect(back.at == t0.addingTimeInterval(10))

        // A reload (the next generation) and another kind of forecast are planned on their own.
        let reloaded = try cache.forecast(district, generation: 1, now: t0.addingTimeInterval(11), days: 7, limits: false)
        #expect(reloaded.at == t0.addingTimeInterval(11))
        let withLimits = try cache.forecast(district, generation: 1, now: t0.addingTimeInterval(12), days: 7, limits: true)
        #expect(withLimits.at == t0.addingTimeInterval(12))
        #expect(try cache.forecast(district, generation: 1, now: t0.addingTimeInterval(13), days: 7, limits: false).at == t0.addingTimeInterval(11))
    }
}

import Foundation
import GRDB
import MusterCore
import MusterStore
import MusterTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One planning pass over 500,000 members with a district-wide meeting reminder and the ballot
/// chaser due. Run in release: `MUSTER_BENCH=1 swift test -c release --filter PlanningBenchmark`.
/// Target: at most 2 s and 200 MB peak.
@Suite struct PlanningBenchmarkTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MUSTER_BENCH"] == "1"))
    func plansHalfAMillionMembersQuickly() throws {
        let dir = try TemporaryDirectory()
        let store = try Store(path: dir.file("bench.sqlite"))
        try store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO workplaces(id, name, kind)
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                SELECT i, 'School ' || i, 'school' FROM n;
                INSERT INTO members(id, membership_number, first_name, email, workplace_id, section, status, joined_on, timezone)
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500000)
                SELECT i, 'N' || i, 'M', 'm' || i || '@example.org', 1 + i % 2000,
                       CASE WHEN i % 100 = 0 THEN 'leadership' ELSE 'teachers' END,
                       CASE WHEN i % 20 = 0 THEN 'lapsed' ELSE 'active' END,
                       date('2026-11-23', '-' || (i % 7300) || ' days'),
                       CASE WHEN i % 50 = 0 THEN 'America/Chicago' ELSE NULL END
                FROM n;
                INSERT INTO reps(member_id, workplace_id) SELECT id, workplace_id FROM members WHERE id % 40 = 0;
                INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-12-01T18:00:00Z');
                INSERT INTO ballots(id, title, opens_at, closes_at) VALUES (1, 'Pay', '2026-11-24T08:00:00Z', '2026-12-10T12:00:00Z');
                INSERT INTO ballot_members(ballot_id, member_id, voted_at)
                SELECT 1, id, CASE WHEN id % 3 = 0 THEN '2026-11-24T08:30:00Z' ELSE NULL END FROM members;
                """)
        }
        let rules = try ScheduleLoader(checkCondition: store.conditionChecker).load(directory: Repository.path("schedules"))
        let now = ISOTime.parseInstant("2026-11-24T09:00:00Z")!
        // A first pass records the baseline, as a real first tick would.
        _ = try planPass(store: store, rules: rules, organisation: Organisation(name: "B", timezone: "Europe/London"),
                         now: now.addingTimeInterval(-60), horizon: 0, record: true)
        let start = Date()
        let result = try planPass(store: store, rules: rules, organisation: Organisation(name: "B", timezone: "Europe/London"),
                                  now: now, horizon: 0, record: true)
        let seconds = Date().timeIntervalSince(start)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("planning benchmark: \(result.occurrences.count) occurrences in \(String(format: "%.2f", seconds)) s, peak \(usage.ru_maxrss / 1024) MB")
        #expect(result.occurrences.count > 700_000)
        #expect(seconds <= 2)
        #expect(usage.ru_maxrss / 1024 <= 200)
    }
}

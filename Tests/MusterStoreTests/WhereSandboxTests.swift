// A `where:` as an organiser's filter: refused when it is a program, stopped when it runs too long,
// and failing alone while the other rules plan (issue 18, item 2).
import Foundation
import GRDB
import MusterCore
import MusterStore
import Testing

@Suite struct WhereSandboxTests {
    static let head = "kind: recurring\ncron: \"0 7 * * MON\"\ntopic: n\ntemplate: t\naudience:\n"

    @Test func refusesWhatAFilterHasNoNeedOf() throws {
        let d = try PlanningDistrict()
        func error(_ condition: String) -> String {
            do { _ = try d.rule(Self.head + "  where: \"\(condition)\""); return "no error" } catch { return "\(error)" }
        }
        let at = "schedules/r.yaml:6: audience: 'where' "
        #expect(error("load_extension('x') IS NULL").hasPrefix(at + "may not call load_extension(): "))
        #expect(error("length(randomblob(1000000000)) > 0").hasPrefix(at + "may not call randomblob(): "))
        #expect(error("length(zeroblob(10)) > 0").hasPrefix(at + "may not call zeroblob(): "))
        #expect(error("(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c) > 0")
            == at + "may not use a recursive WITH: write the filter over the district's tables without recursion")
        #expect(error("m.id IN (SELECT member_id FROM muster_outbox)") == at
            + "may only read the district's tables (ballot_members, ballots, events, members, registrations, reps, workplaces), not 'muster_outbox'")
        #expect(error("m.id IN (SELECT rowid FROM sqlite_master)").hasPrefix(at + "may only read the district's tables"))
        #expect(error("m.id IN (SELECT cid FROM pragma_table_info('members'))").hasPrefix(at + "may only read the district's tables"))
        #expect(error("EXISTS (SELECT 1 FROM json_each('[1]'))").hasPrefix(at + "may not call json_each()")
            || error("EXISTS (SELECT 1 FROM json_each('[1]'))").hasPrefix(at + "may only read the district's tables"))
        #expect(error("row_number() OVER () > 0").hasPrefix(at))
        // What a filter does need is allowed.
        for ok in [
            "m.joined_on >= date(:today, '-120 days')",
            "lower(trim(m.email)) LIKE '%@example.org' AND length(m.first_name) > 1",
            "m.id IN (SELECT r.member_id FROM reps r JOIN workplaces x ON x.id = r.workplace_id)",
            "EXISTS (SELECT 1 FROM registrations g JOIN events e ON e.id = g.event_id WHERE g.member_id = m.id)",
            "(SELECT count(*) FROM ballot_members b JOIN ballots x ON x.id = b.ballot_id WHERE b.member_id = m.id) > 0",
            "abs(julianday(:now) - julianday(m.joined_on)) < 30 AND coalesce(m.section, '') <> 'x'",
            "m.id IN (WITH recent AS (SELECT id FROM members WHERE joined_on > '2020') SELECT id FROM recent)",
        ] {
            #expect(error(ok) == "no error", "\(ok)")
        }
    }

    @Test func aSlowWhereFailsItsRuleAloneAndTheOthersPlan() throws {
        // Given 300 members (a four-way cross join of them is 8 * 10^9 rows), limits of half a second,
        let d = try PlanningDistrict()
        try d.sql("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
            INSERT INTO members(id, membership_number, first_name, email, workplace_id, status, joined_on)
            SELECT i, 'N' || i, 'M', 'm' || i || '@example.org', 1, 'active', '2015-09-01' FROM n;
            """)
        var store = d.store
        store.queryLimits = QueryLimits(seconds: 0.5)
        let slow = try d.rule(Self.head + "  where: \"(SELECT count(*) FROM members a, members b, members c, members d) > 0\"", id: "slow")
        let good = try d.rule(Self.head + "  rep: false\n", id: "good")
        // When both are planned at a cron firing,
        let started = Date()
        let r = try planPass(store: store, rules: [slow, good], organisation: dorset, now: instant("2026-11-30T07:05:00Z"),
                             horizon: 0, record: true)
        // Then the slow rule is stopped about its limit and named with the reason; the good one plans all 300.
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(r.failedRules == ["slow": "its query took more than 0.5 s and was stopped: narrow the 'where:'"])
        #expect(r.occurrences.count == 300)
        #expect(Set(r.occurrences.map(\.rule)) == ["good"])
        #expect(try d.count("SELECT count(*) FROM muster_rule_state WHERE rule = 'slow'") == 0)
        #expect(try d.count("SELECT count(*) FROM muster_rule_state WHERE rule = 'good'") == 1)
    }

    @Test func aWhereThatFailsWhileRunningFailsItsRuleAlone() throws {
        let d = try PlanningDistrict()
        try d.member(1)
        // abs() of the smallest integer is an SQLite error at run time, not at compile time.
        var bad = try d.rule(Self.head + "  where: \"abs(-9223372036854775807 - 1) > 0\"", id: "bad")
        let good = try d.rule(Self.head + "  rep: false\n", id: "good")
        var r = try d.plan([bad, good], at: "2026-11-30T07:05:00Z")
        #expect(r.failedRules == ["bad": "its query failed: integer overflow"])
        #expect(r.occurrences.map(\.rule) == ["good"])
        // A condition that reached the planner without the loader's check is refused there too.
        bad.audience.condition = "load_extension('x') IS NULL"
        r = try d.plan([bad, good], at: "2026-11-30T07:05:00Z", record: false)
        #expect(r.failedRules["bad"]?.hasPrefix("audience: 'where' may not call load_extension()") == true)
        #expect(r.occurrences.map(\.rule) == ["good"])
    }

    @Test func aValueTooLargeStopsItsRule() throws {
        let d = try PlanningDistrict()
        try d.member(1)
        // Each replace doubles the text: 2^27 bytes unless the limit stops it.
        var doubling = "'x'"
        for _ in 0..<27 { doubling = "replace(\(doubling), 'x', 'xx')" }
        let big = try d.rule(Self.head + "  where: \"length(\(doubling)) > 0\"", id: "big")
        let r = try d.plan([big], at: "2026-11-30T07:05:00Z", record: false)
        #expect(r.failedRules == ["big": "its query made a value larger than 10 MB and was stopped"])
    }

    @Test func aCancelledPassThrowsAndStopsARunningQueryAtOnce() async throws {
        let d = try PlanningDistrict()
        try d.sql("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
            INSERT INTO members(id, membership_number, first_name, email, workplace_id, status, joined_on)
            SELECT i, 'N' || i, 'M', 'm' || i || '@example.org', 1, 'active', '2015-09-01' FROM n;
            """)
        var store = d.store
        store.queryLimits = QueryLimits(seconds: 60)
        let slow = try d.rule(Self.head + "  where: \"(SELECT count(*) FROM members a, members b, members c, members d) > 0\"", id: "slow")
        let limits = store.queryLimits
        let frozen = store
        let started = Date()
        // The time is taken on the planning thread: a busy cooperative pool may resume us later.
        let (outcome, took) = try await withCheckedThrowingContinuation { (c: CheckedContinuation<(String, TimeInterval), Error>) in
            Thread {
                do {
                    _ = try planPass(store: frozen, rules: [slow], organisation: dorset, now: instant("2026-11-30T07:05:00Z"),
                                     horizon: 0, record: false)
                    c.resume(returning: ("planned", Date().timeIntervalSince(started)))
                } catch {
                    c.resume(returning: ("\(error)", Date().timeIntervalSince(started)))
                }
            }.start()
            Thread { usleep(500_000); limits.cancel() }.start()
        }
        #expect(outcome == "planning stopped: shutting down")
        #expect(took < 3, "stopped after \(took) s")
    }
}
